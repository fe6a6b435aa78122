import assert from 'node:assert/strict';
import { buffer } from 'node:stream/consumers';
import { after, before, describe, test } from 'node:test';
import { SourceFetchError, type FetchFailure } from '../src/fetch/fetch-errors.js';
import { LONGEST_CHAIN, startImageServer, type ImageServer } from './support/image-server.js';
import { testClient } from './support/source-clients.js';

async function assertFails(promise: Promise<unknown>, failure: FetchFailure, reason: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof SourceFetchError, `not a SourceFetchError: ${String(error)}`);
    assert.equal(error.failure, failure, error.message);
    assert.match(error.message, reason);
    return true;
  });
}

describe('SourceClient against nginx on 127.0.0.1 (allowed with allowHosts)', () => {
  let server: ImageServer;
  before(async () => {
    server = await startImageServer();
  });
  after(() => server?.stop());
  const client = () => testClient({ allowHosts: ['127.0.0.1'] });

  test('HEAD gives length, ETag and Last-Modified; GET streams the bytes', async () => {
    const c = client();
    const head = await c.open(server.url('/images/image.raw'), { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(Number(head.headers['content-length']), server.image.length);
    assert.match(String(head.headers.etag), /^"/);
    assert.ok(head.headers['last-modified']);
    const get = await c.open(server.url('/images/image.raw'), { method: 'GET' });
    assert.ok((await buffer(get.body)).equals(server.image));
    c.close();
  });

  test('a range is asked for with Range and answered 206', async () => {
    const c = client();
    const res = await c.open(server.url('/images/image.raw'), { method: 'GET', range: { start: 1000, end: 1999 } });
    assert.equal(res.status, 206);
    assert.equal(res.headers['content-range'], `bytes 1000-1999/${server.image.length}`);
    assert.ok((await buffer(res.body)).equals(server.image.subarray(1000, 2000)));
    c.close();
  });

  test(`follows ${LONGEST_CHAIN - 1} redirects and refuses ${LONGEST_CHAIN}`, async () => {
    const c = client();
    const five = await c.open(server.url(`/chain/${LONGEST_CHAIN - 1}`), { method: 'GET' });
    assert.equal(five.status, 200);
    assert.equal(five.redirects, 5);
    assert.equal(five.url.pathname, '/images/image.raw');
    assert.ok((await buffer(five.body)).equals(server.image));
    await assertFails(c.open(server.url(`/chain/${LONGEST_CHAIN}`), { method: 'HEAD' }), 'redirects', /more than 5 redirects/);
    const strict = testClient({ allowHosts: ['127.0.0.1'], maxRedirects: 0 });
    await assertFails(strict.open(server.url('/chain/1'), { method: 'HEAD' }), 'redirects', /more than 0 redirects/);
    strict.close();
    c.close();
  });

  test('HTTPS with the test CA given as ca; without it the TLS handshake fails', async () => {
    const trusting = testClient({ allowHosts: ['127.0.0.1'], ca: server.ca.caCert });
    const res = await trusting.open(server.url('/images/image.raw', 'https'), { method: 'GET' });
    assert.ok((await buffer(res.body)).equals(server.image));
    trusting.close();
    const c = client();
    await assertFails(c.open(server.url('/images/image.raw', 'https'), { method: 'HEAD' }), 'unreachable', /TLS with 127\.0\.0\.1:\d+ failed/);
    c.close();
    const careless = testClient({ allowHosts: ['127.0.0.1'], rejectUnauthorized: false });
    assert.equal((await careless.open(server.url('/images/image.raw', 'https'), { method: 'HEAD' })).status, 200);
    careless.close();
  });

  test('a server that never answers fails with the idle timeout', async () => {
    const c = testClient({ allowHosts: ['127.0.0.1'], idleTimeoutMs: 300 });
    const started = Date.now();
    await assertFails(c.open(server.url('/stall'), { method: 'GET' }), 'timeout', /did not answer within 0\.3 s/);
    assert.ok(Date.now() - started < 5000);
    c.close();
  });

  test('a resolver that never answers trips the connect timeout (which covers DNS, TCP and TLS)', async () => {
    const c = testClient({ allowHosts: ['mirror.example.org'], connectTimeoutMs: 300, lookup: () => undefined });
    await assertFails(c.open('http://mirror.example.org/x.raw', { method: 'HEAD' }), 'timeout', /no connection to mirror\.example\.org within 0\.3 s \(connect timeout\)/);
    c.close();
  });

  test('a body that stalls midway fails with the idle timeout', async () => {
    const c = testClient({ allowHosts: ['127.0.0.1'], idleTimeoutMs: 300 });
    const res = await c.open(server.url('/stall-body'), { method: 'GET' });
    assert.equal(res.status, 200);
    await assertFails(buffer(res.body), 'timeout', /sent nothing for 0\.3 s/);
    c.close();
  });

  test('a consumer that does not read does not trip the idle timeout', async () => {
    const c = testClient({ allowHosts: ['127.0.0.1'], idleTimeoutMs: 200 });
    const res = await c.open(server.url('/images/image.raw'), { method: 'GET' });
    await new Promise((r) => setTimeout(r, 600)); // backpressure: nothing read for three idle periods
    assert.ok((await buffer(res.body)).equals(server.image));
    c.close();
  });

  test('a refused connection fails as unreachable, naming the host', async () => {
    const c = client();
    await assertFails(c.open('http://127.0.0.1:1/x', { method: 'HEAD' }), 'unreachable', /cannot reach 127\.0\.0\.1:1: ECONNREFUSED/);
    c.close();
  });

  test('static headers go to the registered origin, not to other origins a redirect leads to', async () => {
    const c = testClient({ allowHosts: ['127.0.0.1'], headers: { 'x-token': 'sekret-123' } });
    const same = await c.open(server.url('/echo-token'), { method: 'GET' });
    assert.equal((await buffer(same.body)).toString(), 'sekret-123');
    const other = server.url('/echo-token', 'other').replace('http://', '');
    const moved = await c.open(server.url(`/to/${other}`), { method: 'GET' });
    assert.equal(moved.redirects, 1);
    assert.equal((await buffer(moved.body)).toString(), '');
    c.close();
  });

  test('an aborted request rejects with AbortError', async () => {
    const c = client();
    const controller = new AbortController();
    const pending = c.open(server.url('/stall'), { method: 'GET', signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(pending, { name: 'AbortError' });
    c.close();
  });
});
