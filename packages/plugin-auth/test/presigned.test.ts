import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { presign } from '@visor/client';
import { imageOf, startAuthVisor, type AuthVisor } from './helpers/auth-visor.js';
import { rawRequest } from './helpers/http.js';
import type { AsClient } from './helpers/signed.js';

describe('presigned URLs', () => {
  let server: AuthVisor;
  let alice: AsClient;
  let bob: AsClient;
  let privateId: string;
  let publicId: string;
  const secretOf = (client: AsClient) => client.credentials!.secret;
  const nowSeconds = () => Math.floor(Date.now() / 1000);
  before(async () => {
    server = await startAuthVisor();
    alice = await server.user('alice');
    bob = await server.user('bob');
    privateId = await imageOf(alice, 'private', 'alice-private');
    publicId = await imageOf(alice, 'public', 'alice-public');
  });
  after(() => server.close());

  it('POST /images/:id/url returns a URL that downloads the image without a header', async () => {
    const res = await alice.post(`/images/${privateId}/url?ttl=120`);
    assert.equal(res.status, 200);
    const { url, method, expires, expires_at } = res.json().presigned_url;
    assert.equal(method, 'GET');
    assert.ok(Math.abs(expires - (nowSeconds() + 120)) <= 2, `expires ${expires}`);
    assert.equal(expires_at, new Date(expires * 1000).toISOString());
    assert.ok(url.startsWith(`${server.url}/images/${privateId}?access_key=alice&expires=`), url);
    const download = await rawRequest(server.url, 'GET', url.slice(server.url.length));
    assert.equal(download.status, 200);
    assert.equal(download.text, 'bytes of alice-private');
  });

  it('a presigned HEAD and GET of the metadata work for the signer', async () => {
    const expires = nowSeconds() + 60;
    const head = await rawRequest(server.url, 'HEAD', `/images/${privateId}?${presign('alice', secretOf(alice), 'HEAD', `/images/${privateId}`, expires)}`);
    assert.equal(head.status, 200);
    const metaPath = `/images/${privateId}/meta`;
    const meta = await rawRequest(server.url, 'GET', `${metaPath}?${presign('alice', secretOf(alice), 'GET', metaPath, expires)}`);
    assert.equal(meta.status, 200);
    assert.equal(meta.json().image.name, 'alice-private');
  });

  it('is refused after it expires, saying so', async () => {
    const target = `/images/${privateId}?${presign('alice', secretOf(alice), 'GET', `/images/${privateId}`, nowSeconds() - 1)}`;
    const res = await rawRequest(server.url, 'GET', target);
    assert.equal(res.status, 403);
    assert.match(res.json().message, /presigned URL expired/);
  });

  it('is refused for another path, another method, or a changed expiry', async () => {
    const expires = nowSeconds() + 60;
    const query = presign('alice', secretOf(alice), 'GET', `/images/${privateId}`, expires);
    const otherPath = await rawRequest(server.url, 'GET', `/images/${publicId}?${query}`);
    assert.equal(otherPath.status, 403);
    assert.match(otherPath.json().message, /presigned URL signature does not match/);
    const head = await rawRequest(server.url, 'HEAD', `/images/${privateId}?${query}`);
    assert.equal(head.status, 403);
    const later = await rawRequest(server.url, 'GET', `/images/${privateId}?${query.replace(`expires=${expires}`, `expires=${expires + 3600}`)}`);
    assert.equal(later.status, 403);
  });

  it('cannot change anything: a presigned DELETE is not accepted', async () => {
    const expires = nowSeconds() + 60;
    const query = presign('alice', secretOf(alice), 'GET', `/images/${privateId}`, expires);
    const res = await rawRequest(server.url, 'DELETE', `/images/${privateId}?${query}`);
    assert.equal(res.status, 401);
    assert.equal((await alice.get(`/images/${privateId}/meta`)).status, 200, 'the image is still there');
  });

  it('carries the signer\'s rights: bob cannot presign or open alice\'s private image', async () => {
    assert.equal((await bob.post(`/images/${privateId}/url`)).status, 404);
    const target = `/images/${privateId}?${presign('bob', secretOf(bob), 'GET', `/images/${privateId}`, nowSeconds() + 60)}`;
    assert.equal((await rawRequest(server.url, 'GET', target)).status, 404);
    assert.equal((await bob.post(`/images/${publicId}/url`)).status, 200, 'a public image he may read');
  });

  it('refuses a ttl that is not whole seconds from 1 to 7 days', async () => {
    for (const ttl of ['0', '-5', '1.5', 'abc', String(7 * 24 * 3600 + 1)]) {
      const res = await alice.post(`/images/${privateId}/url?ttl=${ttl}`);
      assert.equal(res.status, 400, ttl);
      assert.equal(res.json().field, 'ttl');
    }
  });

  it('takes the ttl from a JSON body too, refuses other members and a ttl that disagrees with the query', async () => {
    const res = await alice.post(`/images/${privateId}/url`, { ttl: 60 });
    assert.equal(res.status, 200, res.text);
    assert.ok(Math.abs(res.json().presigned_url.expires - (nowSeconds() + 60)) <= 2, 'the body ttl was used');
    const same = await alice.post(`/images/${privateId}/url?ttl=60`, { ttl: 60 });
    assert.equal(same.status, 200, same.text);

    const other = await alice.post(`/images/${privateId}/url`, { ttl: 60, expires: 5 });
    assert.equal(other.status, 400);
    assert.equal(other.json().field, 'expires');
    const both = await alice.post(`/images/${privateId}/url?ttl=60`, { ttl: 120 });
    assert.equal(both.status, 400);
    assert.match(both.json().message, /60 in the query but 120 in the body/);
    const wrong = await alice.post(`/images/${privateId}/url`, { ttl: 0 });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.json().field, 'ttl');
  });
});
