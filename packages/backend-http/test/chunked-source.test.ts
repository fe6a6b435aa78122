import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { get, request } from '@visor/test-support';
import { startMirrorVisor, type MirrorVisor } from './support/mirror-visor.js';

/**
 * A source that tells the length on HEAD but sends its GET answers with chunked transfer coding
 * (RFC 9112 §7.1: no Content-Length), as dynamic file servers do. The recorded size stands in for
 * the missing length: the download works, and a body that differs from the record still fails.
 */
describe('a source answering GET with chunked transfer coding (no Content-Length)', () => {
  const files = new Map<string, Buffer>();
  /** What GET sends instead of the file, when set: the source changed since registration. */
  const served = new Map<string, Buffer>();
  let source: http.Server;
  let base: string;
  let visor: MirrorVisor;

  before(async () => {
    source = http.createServer((req, res) => {
      const name = (req.url ?? '').slice(1);
      const data = files.get(name);
      // Not res.writeHead(...).end(): restify, loaded in this process by Visor, patches
      // ServerResponse.prototype.writeHead to return nothing.
      if (!data) {
        res.writeHead(404);
        res.end();
        return;
      }
      if (req.method === 'HEAD') {
        res.writeHead(200, { 'content-length': data.length, 'content-type': 'application/octet-stream' });
        res.end();
        return;
      }
      // No Content-Length and no Range support: Node sends the body chunked.
      const body = served.get(name) ?? data;
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      for (let at = 0; at < body.length; at += 4096) res.write(body.subarray(at, at + 4096));
      res.end();
    });
    await new Promise<void>((resolve) => source.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(source.address() as AddressInfo).port}`;
    visor = await startMirrorVisor({ mirrors: { allowHosts: ['127.0.0.1'] } });
  });
  after(async () => {
    await visor?.close();
    await new Promise((resolve) => source?.close(resolve));
  });

  const register = async (name: string) => {
    const res = await request('POST', `${visor.url}/images`, {
      body: { image: { name, architecture: 'x86_64', format: 'raw', store: 'mirrors', location: `${base}/${name}` } },
    });
    assert.equal(res.status, 201, res.text);
    return res.json().image as { id: string; size: number };
  };

  test('the whole file and a range are served, held to the recorded size', async () => {
    const data = randomBytes(100_000);
    files.set('chunked.raw', data);
    const image = await register('chunked.raw');
    assert.equal(image.size, data.length);

    const whole = await get(`${visor.url}/images/${image.id}`);
    assert.equal(whole.status, 200, whole.text);
    assert.ok(whole.body.equals(data));
    const part = await get(`${visor.url}/images/${image.id}`, { range: 'bytes=5000-9999' });
    assert.equal(part.status, 206, part.text);
    assert.ok(part.body.equals(data.subarray(5000, 10_000)));
  });

  test('a chunked body shorter than the record fails the download rather than serving fewer bytes', async () => {
    const data = randomBytes(50_000);
    files.set('shrinks.raw', data);
    const image = await register('shrinks.raw');
    served.set('shrinks.raw', data.subarray(0, 30_000));
    const res = await get(`${visor.url}/images/${image.id}`).catch((error: Error) => error);
    // The head (200, Content-Length of the record) may be out before the body runs short: then
    // the connection is cut and the client sees fewer bytes than announced, never a complete answer.
    if (res instanceof Error) return;
    assert.ok(res.status === 502 || res.body.length < data.length, `status ${res.status}, ${res.body.length} bytes`);
  });
});
