import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringToSign, sign } from '@visor/client';
import { verifyPresigned, verifySignedRequest } from '../src/index.js';
import { startAuthVisor, type AuthVisor } from './helpers/auth-visor.js';
import { rawRequest } from './helpers/http.js';

// The test vector of issue 3 ("Signed requests"), also in README.md.
const SECRET = 'cGxlYXNlLWRvLW5vdC11c2UtdGhpcy1zZWNyZXQtMTIzNA==';
const PATH = '/images/6f1c2a9e-1b7d-4c1e-9a55-0c8e2f3b4a10';
const QUERY = 'name=Debian%2012&arch=x86_64';
const DATE = 'Tue, 24 Nov 2026 10:00:00 GMT';
const HEADERS = {
  'content-type': 'application/octet-stream',
  'x-visor-date': DATE,
  'x-image-meta-name': 'Debian%2012',
  'x-image-meta-architecture': 'x86_64',
};
const STRING_TO_SIGN =
  'PUT\n\napplication/octet-stream\nTue, 24 Nov 2026 10:00:00 GMT\nx-image-meta-architecture:x86_64\nx-image-meta-name:Debian%2012\n' +
  '/images/6f1c2a9e-1b7d-4c1e-9a55-0c8e2f3b4a10?arch=x86_64&name=Debian%2012';
const AUTHORIZATION = 'VISOR alice:Tu/lIwd7Y65WCf60EQQ9pzTXzE5fASo3efhlNVYptyA=';
const PRESIGNED = '2BPeVxlBu8AkRJJz1jT6CHqAK0wLJFluRsuGdLkNufA=';
const EXPIRES = 1795000000;

const alice = { access_key: 'alice' };
const lookup = async (key: string) => (key === 'alice' ? { user: alice, secret: SECRET } : undefined);
/** The vector request as a server receives it, with a header name in mixed case (names are case-insensitive). */
const vectorRequest = (headers: Record<string, string> = {}) => {
  const { 'x-image-meta-name': name, ...rest } = HEADERS;
  return { method: 'PUT', path: PATH, query: QUERY, headers: { ...rest, 'X-Image-Meta-Name': name, authorization: AUTHORIZATION, ...headers } };
};

describe('the issue test vector', () => {
  it('gives the StringToSign and signature the issue states', () => {
    const request = { method: 'PUT', path: PATH, query: QUERY, headers: { ...HEADERS } };
    assert.equal(stringToSign(request), STRING_TO_SIGN);
    assert.equal(`VISOR alice:${sign(SECRET, request)}`, AUTHORIZATION);
  });

  it('is accepted by the server-side verification at the request date', async () => {
    assert.equal(await verifySignedRequest(vectorRequest(), lookup, Date.parse(DATE)), alice);
  });

  it('is refused 15 minutes and one second later, saying the date is off', async () => {
    await assert.rejects(verifySignedRequest(vectorRequest(), lookup, Date.parse(DATE) + 15 * 60_000 + 1000), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'Forbidden');
      assert.match(error.message, /more than 15 minutes/);
      return true;
    });
  });

  it('is refused once a signed part changes: query, meta header, path, method', async () => {
    const at = Date.parse(DATE);
    const changed = [
      { ...vectorRequest(), query: 'name=Debian%2013&arch=x86_64' },
      vectorRequest({ 'x-image-meta-architecture': 'aarch64' }),
      { ...vectorRequest(), path: `${PATH}x` },
      { ...vectorRequest(), method: 'POST' },
    ];
    for (const request of changed) {
      await assert.rejects(verifySignedRequest(request, lookup, at), /signature does not match/);
    }
  });

  it('verifies the presigned GET of the issue until it expires', async () => {
    const request = { method: 'GET', path: PATH, query: `access_key=alice&expires=${EXPIRES}&signature=${encodeURIComponent(PRESIGNED)}`, headers: {} };
    assert.equal(await verifyPresigned(request, lookup, EXPIRES * 1000 - 1), alice);
    await assert.rejects(verifyPresigned(request, lookup, EXPIRES * 1000 + 1000), /presigned URL expired/);
    await assert.rejects(verifyPresigned({ ...request, method: 'HEAD' }, lookup, EXPIRES * 1000 - 1), /signature does not match/);
  });
});

describe('the issue test vector over HTTP', () => {
  let server: AuthVisor;
  before(async () => {
    server = await startAuthVisor({ env: { VISOR_ADMIN_ACCESS_KEY: 'alice', VISOR_ADMIN_SECRET_KEY: SECRET } });
  });
  after(() => server.close());

  it('passes the signature check and is refused only for its date, a day old now', async () => {
    const res = await rawRequest(server.url, 'PUT', `${PATH}?${QUERY}`, { ...HEADERS, authorization: AUTHORIZATION }, Buffer.from('x'));
    assert.equal(res.status, 403);
    assert.match(res.json().message, /more than 15 minutes from the server's time/);
  });

  it('with the query tampered is refused for its signature', async () => {
    const res = await rawRequest(server.url, 'PUT', `${PATH}?name=Debian%2013&arch=x86_64`, { ...HEADERS, authorization: AUTHORIZATION }, Buffer.from('x'));
    assert.equal(res.status, 403);
    assert.match(res.json().message, /signature does not match/);
  });
});
