import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { randomData, readAll, sha256 } from '../src/bytes.js';
import { chunkedSource } from '../src/sources/chunked-source.js';
import { failingSource } from '../src/sources/failing-source.js';
import { LazyRandomSource } from '../src/sources/lazy-random-source.js';

describe('chunkedSource', () => {
  it('yields the data exactly, in chunks of the given size', async () => {
    const data = randomData(10_000);
    const sizes: number[] = [];
    const chunks: Buffer[] = [];
    for await (const chunk of chunkedSource(data, 4096)) {
      sizes.push((chunk as Buffer).length);
      chunks.push(chunk as Buffer);
    }
    assert.deepEqual(sizes, [4096, 4096, 1808]);
    assert.ok(Buffer.concat(chunks).equals(data));
  });

  it('ends at once for empty data', async () => {
    assert.equal((await readAll(chunkedSource(Buffer.alloc(0)))).length, 0);
  });
});

describe('failingSource', () => {
  it('yields exactly failAfter bytes, then errors with the given error', async () => {
    const error = new Error('boom');
    let received = 0;
    await assert.rejects(async () => {
      for await (const chunk of failingSource(randomData(100_000), 40_000, error, 16_384)) received += (chunk as Buffer).length;
    }, error);
    assert.equal(received, 40_000);
  });
});

describe('LazyRandomSource', () => {
  it('produces exactly size bytes whose SHA-256 digest() reports', async () => {
    const source = new LazyRandomSource({ size: 300_001, chunkSize: 65_536 });
    const data = await readAll(source);
    assert.equal(data.length, 300_001);
    assert.equal(source.produced, 300_001);
    assert.equal(sha256(data), source.digest());
  });

  it('produces only as the consumer reads', async () => {
    const source = new LazyRandomSource({ size: 64 * 1024 * 1024, chunkSize: 65_536 });
    await new Promise((resolve) => setImmediate(resolve));
    // Nobody reads: at most the stream's internal buffer has been filled.
    assert.ok(source.produced <= 65_536, `produced ${source.produced} bytes unasked`);
    source.destroy();
  });

  it('records how far production ran ahead of the probe', async () => {
    // A probe that claims nothing reached storage: the lead is everything produced when probed.
    const source = new LazyRandomSource({ size: 4 * 1024 * 1024, probe: async () => 0, probeEvery: 1024 * 1024 });
    const hash = createHash('sha256');
    for await (const chunk of source) hash.update(chunk as Buffer);
    assert.ok(source.probes >= 2, `only ${source.probes} probes`);
    assert.ok(source.maxLead >= 3 * 1024 * 1024, `lead ${source.maxLead}`);
    assert.equal(hash.digest('hex'), source.digest());
  });

  it('fails the stream when the probe fails', async () => {
    const source = new LazyRandomSource({ size: 4 * 1024 * 1024, probe: async () => Promise.reject(new Error('probe broke')) });
    await assert.rejects(readAll(source), /probe broke/);
  });
});
