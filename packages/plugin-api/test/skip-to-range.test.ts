import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { BackendError, skipToRange } from '../src/index.js';

const subject = { backend: 'cumulus', key: 'k1' };

/** The object in chunks of `size` bytes, counting how many chunks were read. */
function chunked(data: Buffer, size: number): Readable & { served: () => number } {
  let offset = 0;
  let served = 0;
  const stream = new Readable({
    read() {
      if (offset >= data.length) return void this.push(null);
      served += 1;
      this.push(data.subarray(offset, (offset += size)));
    },
  });
  return Object.assign(stream, { served: () => served });
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('skipToRange', () => {
  const data = randomBytes(10_000);

  it('yields exactly the range, from any chunking, for ranges at the start, inside one chunk, across chunks and at the end', async () => {
    for (const size of [1, 7, 1000, 4096, 20_000]) {
      for (const [start, end] of [[0, 0], [0, 9999], [5, 5], [999, 1001], [1234, 8765], [9999, 9999]] as const) {
        const back = await readAll(skipToRange(chunked(data, size), { start, end }, subject));
        assert.ok(back.equals(data.subarray(start, end + 1)), `chunks of ${size}, range ${start}-${end}`);
      }
    }
  });

  it('stops reading the source once the range is complete', async () => {
    const source = chunked(data, 100);
    await readAll(skipToRange(source, { start: 0, end: 199 }, subject));
    assert.ok(source.served() <= 4, `read ${source.served()} chunks of 100 bytes for a 200-byte range`);
    assert.ok(source.destroyed);
  });

  it('fails with a BackendError naming store and key when the object ends before the range does', async () => {
    await assert.rejects(readAll(skipToRange(chunked(data.subarray(0, 500), 64), { start: 100, end: 999 }, subject)), (error: unknown) => {
      assert.ok(error instanceof BackendError);
      assert.match(error.message, /backend 'cumulus' key 'k1': the object ended at byte 500, before byte 999/);
      return true;
    });
  });

  it('passes a source error on', async () => {
    const failing = new Readable({ read() { this.destroy(new Error('connection reset')); } });
    await assert.rejects(readAll(skipToRange(failing, { start: 0, end: 10 }, subject)), /connection reset/);
  });
});
