import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { DigestStream } from '../src/hashing/digest-stream.js';
import { batchesOut, hashWorkers } from '../src/hashing/offloaded-digests.js';
import { BadDigestError } from '../src/index.js';
import { chunked, readAll } from './helpers/plugin-kit.js';
import { waitFor } from './helpers/wait-for.js';

const MiB = 1024 * 1024;

/** Streams `data` in 64 KiB chunks (as a socket delivers it) through a digest stream into a sink. */
function digestOf(data: Buffer, stream: DigestStream): Promise<Buffer> {
  chunked(data).pipe(stream);
  return readAll(stream);
}

describe('digests computed in worker threads', () => {
  it('give the same MD5 and SHA-256 as computed inline, and pass the bytes through unchanged', async () => {
    const data = randomBytes(20 * MiB + 12345);
    const stream = new DigestStream({}, true);
    const passed = await digestOf(data, stream);
    assert.ok(passed.equals(data));
    assert.deepEqual(stream.result, {
      size: data.length,
      checksum: createHash('md5').update(data).digest('hex'),
      sha256: createHash('sha256').update(data).digest('hex'),
    });
  });

  it('keep passing bytes to a consumer slower than the hashing threads (read-ahead fills, then drains)', { timeout: 20_000 }, async () => {
    const data = randomBytes(40 * MiB);
    const stream = new DigestStream({}, true);
    const received: Buffer[] = [];
    const slow = new Writable({
      highWaterMark: MiB,
      write(chunk: Buffer, _encoding, callback) {
        received.push(chunk);
        setTimeout(callback, 2);
      },
    });
    await pipeline(chunked(data), stream, slow);
    assert.ok(Buffer.concat(received).equals(data));
    assert.equal(stream.result.sha256, createHash('sha256').update(data).digest('hex'));
  });

  it('let go of every batch, whether the upload finished, failed or was abandoned', async () => {
    for (let round = 0; round < 6; round++) {
      const data = randomBytes(24 * MiB);
      if (round % 3 === 1) {
        // A declared checksum that does not match: the stream fails at its end.
        await assert.rejects(digestOf(data, new DigestStream({ checksum: '0'.repeat(32) }, true)), BadDigestError);
      } else if (round % 3 === 2) {
        // The client goes away halfway.
        const stream = new DigestStream({}, true);
        stream.on('error', () => undefined);
        stream.resume();
        for (let offset = 0; offset < 12 * MiB; offset += MiB) stream.write(data.subarray(offset, offset + MiB));
        stream.destroy(new Error('client gone'));
      } else {
        const stream = new DigestStream({}, true);
        await digestOf(data, stream);
        assert.equal(stream.result.checksum, createHash('md5').update(data).digest('hex'));
      }
    }
    await waitFor('every batch let go', () => (batchesOut() === 0 ? true : undefined));
  });

  it('hold at most 16 batches plus 4 MiB of read-ahead for a writer whose reader does not read', async () => {
    const stream = new DigestStream({}, true);
    let accepted = 0;
    const chunk = randomBytes(64 * 1024);
    await new Promise<void>((resolve) => {
      const write = () => {
        while (accepted < 64 * MiB) {
          accepted += chunk.length;
          if (!stream.write(chunk)) {
            stream.once('drain', write);
            // No drain comes while nobody reads: give the threads time to hash what they hold.
            setTimeout(resolve, 1500);
            return;
          }
        }
        resolve();
      };
      write();
    });
    // Taken in: 16 batches (hashing, or hashed and waiting to be read), 4 MiB of read-ahead, 1 MiB in the writable buffer.
    assert.ok(accepted <= 22 * MiB, `accepted ${accepted / MiB} MiB`);
    const holding = stream.readableLength + batchesOut() * MiB;
    assert.ok(holding <= 21 * MiB, `holding ${holding / MiB} MiB`);
    let read = 0;
    stream.on('data', (c: Buffer) => (read += c.length));
    stream.destroy();
    await waitFor('every batch let go', () => (batchesOut() === 0 ? true : undefined));
    assert.ok(read <= accepted);
  });
});

describe('a hashing thread that dies mid-upload', () => {
  it('fails that upload with an error (no crash, no hang); the next upload gets a new thread', async () => {
    const stream = new DigestStream({}, true);
    const failed = new Promise<Error>((resolve) => stream.once('error', resolve));
    stream.resume();
    const data = randomBytes(40 * MiB);
    let offset = 0;
    const feed = async () => {
      for (; offset < data.length; offset += MiB) {
        if (stream.destroyed) return;
        if (!stream.write(data.subarray(offset, offset + MiB))) await new Promise((resolve) => stream.once('drain', resolve).once('close', resolve));
        if (offset === 4 * MiB) await hashWorkers.md5.terminate();
      }
      stream.end();
    };
    await feed();
    const error = await failed;
    assert.match(error.message, /md5 worker thread exited/);

    const next = new DigestStream({}, true);
    const again = randomBytes(10 * MiB);
    await digestOf(again, next);
    assert.equal(next.result.checksum, createHash('md5').update(again).digest('hex'));
  });
});
