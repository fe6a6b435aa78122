import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { BackendError, BackendUnavailableError, InvalidRangeError } from '@visor/plugin-api';
import { useEmulatedDialects } from '@visor/test-servers';
import { createCumulus, cumulusOptions } from './support/cumulus-target.js';

const MiB = 1024 * 1024;

async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Yields `data` in 64 KiB chunks, then fails instead of ending (as the core's digest stream does on a wrong MD5). */
function failingAtTheEnd(data: Buffer): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (offset < data.length) {
        this.push(data.subarray(offset, offset + 64 * 1024));
        offset += 64 * 1024;
      } else this.destroy(new Error('digest mismatch at the end'));
    },
  });
}

describe('Cumulus (emulated: nginx + Swift s3api): single PUTs, ranges by skipping, Signature Version 2', () => {
  const dialects = useEmulatedDialects();

  it('the front answers a signed Range request with 200 and the whole object, as Cumulus does; the backend still serves exactly the range', async () => {
    const backend = await createCumulus(cumulusOptions(dialects.target));
    try {
      const data = randomBytes(3 * MiB + 17);
      const { location } = await backend.put('k1', Readable.from([data]), { size: data.length });
      const raw = await backend.client.send(new GetObjectCommand({ Bucket: dialects.target.bucket, Key: backend.locations.objectKey('k1'), Range: 'bytes=10-19' }));
      assert.equal(raw.$metadata.httpStatusCode, 200, 'the emulated Cumulus ignores Range');
      assert.equal(raw.ContentRange, undefined);
      assert.equal(raw.ContentLength, data.length);
      (raw.Body as Readable).destroy();
      for (const [start, end] of [
        [0, 0],
        [MiB - 1, MiB],
        [2 * MiB + 5, 3 * MiB + 16],
        [3 * MiB + 16, 3 * MiB + 16],
        [12345, 2 * MiB + 999],
      ] as const) {
        const { body, info } = await backend.get(location, { range: { start, end } });
        assert.equal(info.size, data.length);
        assert.ok((await readAll(body)).equals(data.subarray(start, end + 1)), `bytes ${start}-${end}`);
      }
      await assert.rejects(backend.get(location, { range: { start: 0, end: data.length } }), InvalidRangeError);
    } finally {
      await backend.close();
    }
  });

  it('an upload is one PutObject, never a multipart upload (plain MD5 ETag), read back byte for byte', async () => {
    const backend = await createCumulus(cumulusOptions(dialects.target));
    try {
      const data = randomBytes(12 * MiB + 1);
      const chunks = Array.from({ length: Math.ceil(data.length / (256 * 1024)) }, (_, i) => data.subarray(i * 256 * 1024, (i + 1) * 256 * 1024));
      const stored = await backend.put('k2', Readable.from(chunks), { size: data.length });
      assert.equal(stored.etag, `"${createHash('md5').update(data).digest('hex')}"`);
      assert.deepEqual(await dialects.target.listRaw(backend.options.prefix), [backend.locations.objectKey('k2')]);
      const direct = await dialects.target.admin.send(new GetObjectCommand({ Bucket: dialects.target.bucket, Key: backend.locations.objectKey('k2') }));
      assert.ok((await readAll(direct.Body as Readable)).equals(data));
      assert.equal(await backend.cleanup({ minAgeMs: 0 }), 0, 'no multipart uploads to sweep');
    } finally {
      await backend.close();
    }
  });

  it('a source that fails after its last byte (a digest mismatch found at the end) stores nothing: the old object stays whole', async () => {
    const backend = await createCumulus(cumulusOptions(dialects.target));
    try {
      const old = randomBytes(100_000);
      const { location } = await backend.put('k3', Readable.from([old]), { size: old.length });
      const replacement = randomBytes(2 * MiB);
      await assert.rejects(backend.put('k3', failingAtTheEnd(replacement), { size: replacement.length }), /digest mismatch at the end/);
      assert.deepEqual(await dialects.target.listRaw(backend.options.prefix), [backend.locations.objectKey('k3')]);
      assert.ok((await readAll((await backend.get(location)).body)).equals(old));
      const tooLong = randomBytes(1000);
      await assert.rejects(backend.put('k3', Readable.from([tooLong]), { size: 999 }), /more than the 999 bytes declared/);
      assert.ok((await readAll((await backend.get(location)).body)).equals(old));
    } finally {
      await backend.close();
    }
  });

  it('an upload without a size is refused before a byte is read', async () => {
    const backend = await createCumulus(cumulusOptions(dialects.target));
    try {
      let read = 0;
      const source = new Readable({
        read() {
          read += 1;
          this.push(null);
        },
      });
      await assert.rejects(backend.put('k4', source), (error: unknown) => error instanceof BackendError && /declared size/.test(error.message));
      assert.equal(read, 0);
      assert.deepEqual(await dialects.target.listRaw(backend.options.prefix), []);
    } finally {
      await backend.close();
    }
  });

  it('a wrong secret key is refused by the server through the Cumulus front', async () => {
    const backend = await createCumulus(cumulusOptions(dialects.target, { secretAccessKey: 'wrong' }));
    try {
      assert.match((await backend.health()).message ?? '', /SignatureDoesNotMatch/);
      await assert.rejects(backend.put('k5', Readable.from([Buffer.from('x')]), { size: 1 }), BackendUnavailableError);
    } finally {
      await backend.close();
    }
  });
});

describe('Cumulus: answers that do not hold what was asked are refused (a misbehaving HTTP server on 127.0.0.1)', () => {
  let server: http.Server;
  let answer: (res: http.ServerResponse) => void = (res) => res.end();
  const body = randomBytes(100);
  before(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      answer(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const options = () => ({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, bucket: 'images', accessKeyId: 'a', secretAccessKey: 'b', maxAttempts: 1 });

  it('a 206 with another range than asked, and a 200 carrying a Content-Range, are errors, never served as the range', async () => {
    const backend = await createCumulus(options());
    try {
      const location = backend.locationOf('k1');
      answer = (res) => {
        res.writeHead(206, { 'content-range': 'bytes 0-9/100', 'content-length': '10' });
        res.end(body.subarray(0, 10));
      };
      await assert.rejects(backend.get(location, { range: { start: 10, end: 19 } }), (error: unknown) => error instanceof BackendError && /asked for bytes 10-19, the server sent 0-9/.test(error.message));
      answer = (res) => {
        res.writeHead(200, { 'content-range': 'bytes 10-19/100', 'content-length': '100' });
        res.end(body);
      };
      await assert.rejects(backend.get(location, { range: { start: 10, end: 19 } }), (error: unknown) => error instanceof BackendError && /answered 200 with Content-Range/.test(error.message));
      answer = (res) => {
        res.writeHead(206, { 'content-range': 'bytes 10-19/100', 'content-length': '10' });
        res.end(body.subarray(10, 20));
      };
      const exact = await backend.get(location, { range: { start: 10, end: 19 } });
      assert.ok((await readAll(exact.body)).equals(body.subarray(10, 20)), 'a server honouring the range exactly is used as is');
      answer = (res) => {
        res.writeHead(200, { 'content-length': '100' });
        res.end(body);
      };
      const skipped = await backend.get(location, { range: { start: 90, end: 99 } });
      assert.ok((await readAll(skipped.body)).equals(body.subarray(90, 100)));
    } finally {
      await backend.close();
    }
  });

  it('a whole object that ends before the range does is an error, not a short range', async () => {
    const backend = await createCumulus(options());
    try {
      answer = (res) => {
        res.writeHead(200, { 'content-length': '100' });
        res.end(body.subarray(0, 50));
      };
      const result = await backend.get(backend.locationOf('k2'), { range: { start: 40, end: 79 } }).catch((error: Error) => error);
      if (result instanceof Error) return assert.ok(result instanceof BackendError || /aborted|premature|closed/i.test(result.message), String(result));
      await assert.rejects(readAll(result.body));
    } finally {
      await backend.close();
    }
  });
});
