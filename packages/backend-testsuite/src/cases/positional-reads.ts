import assert from 'node:assert/strict';
import { InvalidKeyError, ObjectNotFoundError, type Backend, type ObjectReader } from '@visor/plugin-api';
import { randomData } from '../bytes.js';
import { assertRejectsWith } from '../expect-error.js';
import { newKey, putBytes } from '../object-helpers.js';
import { MiB } from '../options.js';
import type { SuiteCase } from '../suite-case.js';

const SIZE = 3 * MiB + 7;

/** Declared for every backend; skipped, saying so, for one without `openReader`. */
function openReader(backend: Backend, location: string): Promise<ObjectReader> {
  assert.ok(backend.openReader, 'the suite runs positional-read checks only on backends with openReader');
  return backend.openReader(location);
}

/** Reads `length` bytes at `position` until the reader has given them all (a read may return fewer). */
async function readFully(reader: ObjectReader, buffer: Buffer, length: number, position: number): Promise<Buffer> {
  let filled = 0;
  while (filled < length) {
    const count = await reader.read(buffer.subarray(filled), length - filled, position + filled);
    if (count === 0) break;
    filled += count;
  }
  return buffer.subarray(0, filled);
}

export const positionalReadCases: SuiteCase[] = [
  {
    title: 'openReader reports the size and reads the same bytes as get at any position, into a reused buffer',
    requires: { positionalReads: true },
    async run({ backend }) {
      const data = randomData(SIZE);
      const { location } = await putBytes(backend, newKey(), data);
      const reader = await openReader(backend, location);
      try {
        assert.equal(reader.size, SIZE);
        const buffer = Buffer.alloc(MiB + 100);
        for (const [position, length] of [[0, MiB], [MiB - 5, 10], [SIZE - 100, 100], [2 * MiB + 3, MiB + 4], [7, 1]] as const) {
          const back = await readFully(reader, buffer, length, position);
          assert.ok(back.equals(data.subarray(position, position + length)), `bytes ${position}-${position + length - 1} differ`);
        }
      } finally {
        await reader.close();
      }
    },
  },
  {
    title: 'openReader: a read past the end returns what is left, then 0',
    requires: { positionalReads: true },
    async run({ backend }) {
      const data = randomData(1000);
      const { location } = await putBytes(backend, newKey(), data);
      const reader = await openReader(backend, location);
      try {
        const back = await readFully(reader, Buffer.alloc(500), 500, 900);
        assert.ok(back.equals(data.subarray(900)), 'the tail differs');
        assert.equal(await reader.read(Buffer.alloc(10), 10, 1000), 0);
        assert.equal(await reader.read(Buffer.alloc(10), 10, 5000), 0);
      } finally {
        await reader.close();
      }
    },
  },
  {
    title: 'openReader of an empty object reports size 0 and reads 0; close may be called twice',
    requires: { positionalReads: true },
    async run({ backend }) {
      const { location } = await putBytes(backend, newKey(), Buffer.alloc(0));
      const reader = await openReader(backend, location);
      assert.equal(reader.size, 0);
      assert.equal(await reader.read(Buffer.alloc(10), 10, 0), 0);
      await reader.close();
      await reader.close();
    },
  },
  {
    title: 'openReader of a missing object rejects with ObjectNotFoundError naming backend and key',
    requires: { positionalReads: true },
    async run({ backend }) {
      const key = newKey();
      const { location } = await putBytes(backend, key, randomData(100));
      await backend.delete(location);
      await assertRejectsWith(openReader(backend, location), ObjectNotFoundError, { backend: backend.name, key });
    },
  },
  {
    title: 'openReader refuses a foreign location with InvalidKeyError',
    requires: { positionalReads: true },
    async run({ backend, foreignLocation }) {
      await assertRejectsWith(openReader(backend, foreignLocation), InvalidKeyError, { backend: backend.name });
    },
  },
];
