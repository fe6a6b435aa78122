import assert from 'node:assert/strict';
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { VisorClient, parseAuthorization, safeEqual, sign } from '../src/index.js';
import { readAll } from './helpers/bytes.js';

interface Captured {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const NOW = new Date('2026-11-24T10:00:00Z');
const SECRET = 'cGxlYXNlLWRvLW5vdC11c2UtdGhpcy1zZWNyZXQtMTIzNA==';
const ID = '6f1c2a9e-1b7d-4c1e-9a55-0c8e2f3b4a10';

/** What a server verifying signatures does: rebuild the signature from the request as received. */
function verify(request: Captured, secret: string): boolean {
  const parsed = parseAuthorization(String(request.headers.authorization ?? ''));
  if (parsed === undefined) return false;
  const q = request.url.indexOf('?');
  const expected = sign(secret, {
    method: request.method,
    path: q === -1 ? request.url : request.url.slice(0, q),
    query: q === -1 ? undefined : request.url.slice(q + 1),
    headers: request.headers,
  });
  return safeEqual(parsed.signature, expected);
}

describe('VisorClient signs every request when given keys', () => {
  let server: Server;
  let url: string;
  let captured: Captured[] = [];

  before(async () => {
    server = createServer((req, res) => {
      void readAll(req).then((body) => {
        captured.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(req.url?.startsWith('/images?') ? { images: [] } : { image: { id: ID } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    captured = [];
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const signed = () => new VisorClient({ url, accessKey: 'alice', secretKey: SECRET, now: () => NOW });

  it('sets x-visor-date (RFC 1123) and an Authorization header the server can verify', async () => {
    await signed().update(ID, { name: 'Debian 12' });
    const [request] = captured;
    assert.ok(request);
    assert.equal(request.headers['x-visor-date'], 'Tue, 24 Nov 2026 10:00:00 GMT');
    assert.match(String(request.headers.authorization), /^VISOR alice:[A-Za-z0-9+/]{43}=$/);
    assert.equal(verify(request, SECRET), true);
    assert.equal(verify(request, `${SECRET}x`), false);
  });

  it('signs the query of listings, whatever its order', async () => {
    await signed().list({ release: '12 & up', distro: 'debian' }, { sort: 'name', limit: 5 });
    const [request] = captured;
    assert.ok(request?.url.startsWith('/images?release=12+%26+up&distro=debian&sort=name&limit=5'));
    assert.equal(verify(request!, SECRET), true);
    const tampered = { ...request!, url: request!.url.replace('limit=5', 'limit=6') };
    assert.equal(verify(tampered, SECRET), false);
  });

  it('signs the x-image-meta-* headers of an upload', async () => {
    await signed().registerWithFile({ name: 'Fedora 41', architecture: 'x86_64', build_id: '7' }, Buffer.from('abc'), { size: 3 });
    const [request] = captured;
    assert.ok(request);
    assert.equal(request.headers['x-image-meta-name'], 'Fedora%2041');
    assert.equal(request.headers['x-image-meta-build-id'], '7');
    assert.equal(request.headers['content-type'], 'application/octet-stream');
    assert.equal(request.body.toString(), 'abc');
    assert.equal(verify(request, SECRET), true);
    const tampered = { ...request, headers: { ...request.headers, 'x-image-meta-name': 'Fedora%2042' } };
    assert.equal(verify(tampered, SECRET), false);
  });

  it('signs HEAD, DELETE and downloads too', async () => {
    const client = signed();
    await client.head(ID);
    await client.delete(ID);
    await (await client.download(ID, { range: 'bytes=0-1' })).stream.resume();
    assert.deepEqual(captured.map((r) => r.method), ['HEAD', 'DELETE', 'GET']);
    assert.ok(captured.every((r) => verify(r, SECRET)));
  });

  it('sends neither header without keys, and refuses half a key pair', async () => {
    await new VisorClient({ url }).get(ID);
    assert.equal(captured[0]?.headers.authorization, undefined);
    assert.equal(captured[0]?.headers['x-visor-date'], undefined);
    assert.throws(() => new VisorClient({ url, accessKey: 'alice' }), TypeError);
  });

  it('uses the injected fetch', async () => {
    const seen: string[] = [];
    const client = new VisorClient({
      url,
      fetch: async (input, init) => {
        seen.push(`${init?.method} ${String(input)}`);
        return new Response(JSON.stringify({ image: { id: ID } }), { headers: { 'content-type': 'application/json' } });
      },
    });
    assert.equal((await client.get(ID)).id, ID);
    assert.deepEqual(seen, [`GET ${url}/images/${ID}/meta`]);
    assert.equal(captured.length, 0);
  });
});
