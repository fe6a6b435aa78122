import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { VisorClient, authorizationHeader, presign } from '@visor/client';
import { freePort, request, startNginx, type RunningNginx } from '@visor/test-support';
import { ROOT, imageOf, startAuthVisor, type AuthVisor } from './helpers/auth-visor.js';
import { as } from './helpers/signed.js';

const DOC = new URL('../../../../docs/reverse-proxy.md', import.meta.url);

/** The `location /visor/ { … }` block of docs/reverse-proxy.md, proxying to `port`. */
function documentedLocation(port: number): string {
  const text = readFileSync(DOC, 'utf8');
  const start = text.indexOf('    location /visor/ {');
  const end = text.indexOf('\n    }\n', start);
  assert.ok(start !== -1 && end !== -1, 'docs/reverse-proxy.md holds a `location /visor/ { … }` block');
  const block = text.slice(start, end + 6);
  assert.match(block, /proxy_pass http:\/\/127\.0\.0\.1:4568\/;/);
  return block.replace('127.0.0.1:4568', `127.0.0.1:${port}`);
}

describe('behind nginx serving Visor under /visor (the prefix stripped), with publicUrl naming it', () => {
  let server: AuthVisor;
  let nginx: RunningNginx;
  let publicUrl: string;
  let client: VisorClient;

  before(async () => {
    const port = await freePort();
    nginx = await startNginx({ http: ({ ports }) => `server {\n  listen 127.0.0.1:${ports[0]};\n${documentedLocation(port)}\n}` });
    publicUrl = nginx.url('/visor');
    server = await startAuthVisor({ port, publicUrl });
    client = new VisorClient({ url: publicUrl, accessKey: ROOT.accessKey, secretKey: ROOT.secret });
  });
  after(async () => {
    await server?.close();
    await nginx?.stop();
  });

  it('the typed client registers, uploads, lists page by page, downloads and deletes through the proxy', async () => {
    const first = await client.register({ name: 'proxied one', architecture: 'x86_64' });
    assert.equal(first.uri, `${publicUrl}/images/${first.id}`);
    const second = await client.register({ name: 'proxied two', architecture: 'x86_64' });
    const stored = await client.upload(first.id, Buffer.from('through nginx'));
    assert.equal(stored.status, 'available');
    // limit=1: the second page comes from the `next` link, which carries the prefix.
    const page = await client.list({}, { limit: 1 });
    assert.equal(page.images.length, 1);
    assert.ok(page.next?.startsWith(`${publicUrl}/images?`), page.next);
    const all = await client.listAll({}, { limit: 1 });
    assert.deepEqual(new Set(all.map((image) => image.id)), new Set([first.id, second.id]));
    const download = await client.download(first.id);
    const parts: Buffer[] = [];
    for await (const part of download.stream as AsyncIterable<Buffer>) parts.push(part);
    assert.equal(Buffer.concat(parts).toString(), 'through nginx');
    assert.equal((await client.delete(second.id)).id, second.id);
  });

  it('a presigned URL made by the client downloads through the proxy, and equals the server-made one but for the expiry', async () => {
    const id = await imageOf(as(publicUrl, ROOT), 'private', 'presigned behind proxy');
    const url = client.presignedUrl(id, 600);
    assert.ok(url.startsWith(`${publicUrl}/images/${id}?access_key=root&expires=`), url);
    const res = await request('GET', url);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.text, 'bytes of presigned behind proxy');

    const made = await as(publicUrl, ROOT).post(`/images/${id}/url?ttl=600`);
    assert.equal(made.status, 200, made.text);
    const serverUrl = made.json().presigned_url.url as string;
    assert.ok(serverUrl.startsWith(`${publicUrl}/images/${id}?`), serverUrl);
    const viaServer = await request('GET', serverUrl);
    assert.equal(viaServer.status, 200, viaServer.text);
    const expires = new URL(serverUrl).searchParams.get('expires')!;
    assert.equal(serverUrl, `${publicUrl}/images/${id}?${presign('root', ROOT.secret, 'GET', `/images/${id}`, Number(expires))}`);
  });

  it('a signer that signs the path exactly as sent (prefix included) is accepted too', async () => {
    const date = new Date().toUTCString();
    const headers = { 'x-visor-date': date, authorization: authorizationHeader(ROOT.accessKey, ROOT.secret, { method: 'GET', path: '/visor/users/me', headers: { 'x-visor-date': date } }) };
    const res = await request('GET', `${publicUrl}/users/me`, { headers });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json().user.access_key, 'root');
    const expires = Math.floor(Date.now() / 1000) + 60;
    const id = await imageOf(as(publicUrl, ROOT), 'private', 'full path presigned');
    const presigned = await request('GET', `${publicUrl}/images/${id}?${presign('root', ROOT.secret, 'GET', `/visor/images/${id}`, expires)}`);
    assert.equal(presigned.status, 200, presigned.text);
  });

  it('a signature still covers the route: one made for another path, or a prefix the configuration does not name, is refused', async () => {
    const date = new Date().toUTCString();
    const signedFor = (path: string) => ({ 'x-visor-date': date, authorization: authorizationHeader(ROOT.accessKey, ROOT.secret, { method: 'GET', path, headers: { 'x-visor-date': date } }) });
    const other = await request('GET', `${publicUrl}/users/me`, { headers: signedFor('/users') });
    assert.equal(other.status, 403);
    assert.match(other.json().message, /signature does not match/);
    const wrongPrefix = await request('GET', `${publicUrl}/users/me`, { headers: { ...signedFor('/elsewhere/users/me'), 'x-forwarded-prefix': '/elsewhere' } });
    assert.equal(wrongPrefix.status, 403);
    // A presigned URL of one image does not open another.
    const a = await imageOf(as(publicUrl, ROOT), 'private', 'image a');
    const b = await imageOf(as(publicUrl, ROOT), 'private', 'image b');
    const query = presign('root', ROOT.secret, 'GET', `/images/${a}`, Math.floor(Date.now() / 1000) + 60);
    assert.equal((await request('GET', `${publicUrl}/images/${b}?${query}`)).status, 403);
  });

  it('the same client configured with the direct URL still works (one signature rule, any route to the server)', async () => {
    const direct = new VisorClient({ url: server.url, accessKey: ROOT.accessKey, secretKey: ROOT.secret });
    const image = await direct.register({ name: 'direct', architecture: 'x86_64' });
    assert.equal(image.uri, `${publicUrl}/images/${image.id}`, 'links always use publicUrl');
    const res = await request('GET', direct.presignedUrl(image.id, 60, 'HEAD'));
    // A HEAD-signed URL used for GET is refused: the method is signed.
    assert.equal(res.status, 403);
    const head = await request('HEAD', direct.presignedUrl(image.id, 60, 'HEAD'));
    assert.equal(head.status, 200);
  });

  it("nginx's request id (proxy_set_header X-Request-Id $request_id) is the one Visor keeps and returns", async () => {
    const res = await request('GET', `${publicUrl}/status`);
    assert.equal(res.status, 200);
    assert.match(String(res.headers['x-request-id']), /^[0-9a-f]{32}$/, 'nginx $request_id: 32 hex digits, not a UUID of Visor');
    const again = await request('GET', `${publicUrl}/status`);
    assert.notEqual(again.headers['x-request-id'], res.headers['x-request-id']);
  });

  it('a 24 MiB upload streams through the proxy (no body size limit, no buffering) and comes back intact', async () => {
    const size = 24 * 1024 * 1024;
    const chunk = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31) % 251;
    const md5 = createHash('md5');
    for (let i = 0; i < 24; i++) md5.update(chunk);
    const image = await client.register({ name: 'large through proxy', architecture: 'x86_64' });
    // Chunked (no Content-Length): with proxy_http_version 1.1 and proxy_request_buffering off, nginx streams it.
    const body = Readable.from((function* () {
      for (let i = 0; i < 24; i++) yield chunk;
    })());
    const stored = await client.upload(image.id, body);
    assert.equal(stored.size, size);
    assert.equal(stored.checksum, md5.digest('hex'));
    const download = await client.download(image.id);
    const back = createHash('md5');
    let bytes = 0;
    for await (const part of download.stream as AsyncIterable<Buffer>) {
      back.update(part);
      bytes += part.length;
    }
    assert.equal(bytes, size);
    assert.equal(back.digest('hex'), stored.checksum);
    assert.equal(nginx.errorLog().match(/buffered to a temporary file/g), null, nginx.errorLog());
  });
});
