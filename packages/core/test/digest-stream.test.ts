import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { DigestStream } from '../src/hashing/digest-stream.js';
import { digestBatchCounts, hashWorkers } from '../src/hashing/offloaded-digests.js';
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

  it('reuse their shared batches across uploads, finished, failed or abandoned: memory does not grow with the number of uploads', async () => {
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
    const settled = await waitFor('every batch back in the pool', () => {
      const counts = digestBatchCounts();
      return counts.idle === counts.made ? counts : undefined;
    });
    // One upload holds at most 16 and the next may start while the last one's are still in flight:
    // seven uploads one after the other need at most two uploads' worth, not seven (112).
    assert.ok(settled.made <= 32, `made ${settled.made} batches`);
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
