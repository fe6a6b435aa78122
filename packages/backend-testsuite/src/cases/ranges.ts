import assert from 'node:assert/strict';
import { InvalidRangeError, type ByteRange } from '@visor/plugin-api';
import { randomData } from '../bytes.js';
import { assertRejectsWith } from '../expect-error.js';
import { getBytes, newKey, putBytes } from '../object-helpers.js';
import { MiB } from '../options.js';
import type { SuiteCase } from '../suite-case.js';

// Larger than common read buffer sizes (64 KiB, 1 MiB), so ranges cross chunk boundaries.
const SIZE = 3 * MiB + 7;

const validRanges: Array<[name: string, range: ByteRange]> = [
  ['the first byte', { start: 0, end: 0 }],
  ['the last byte', { start: SIZE - 1, end: SIZE - 1 }],
  ['a single middle byte (start == end)', { start: 1_500_001, end: 1_500_001 }],
  ['a middle slice', { start: 1000, end: 200_000 }],
  ['a slice across the 1 MiB boundary', { start: MiB - 5, end: MiB + 5 }],
  ['the tail', { start: SIZE - 100, end: SIZE - 1 }],
  ['the whole object', { start: 0, end: SIZE - 1 }],
];

const invalidRanges: Array<[name: string, range: ByteRange]> = [
  ['ending one past the last byte', { start: 0, end: SIZE }],
  ['starting past the end', { start: SIZE + 10, end: SIZE + 20 }],
  ['with start after end', { start: 10, end: 5 }],
];

function readsRange([name, range]: [string, ByteRange]): SuiteCase {
  return {
    title: `a range read returns exactly ${name} (${range.start}-${range.end})`,
    async run({ backend }) {
      const data = randomData(SIZE);
      const { location } = await putBytes(backend, newKey(), data);
      const back = await getBytes(backend, location, range);
      assert.equal(back.length, range.end - range.start + 1);
      assert.ok(back.equals(data.subarray(range.start, range.end + 1)), 'bytes differ from the requested range');
    },
  };
}

function refusesRange([name, range]: [string, ByteRange]): SuiteCase {
  return {
    title: `a range ${name} (${range.start}-${range.end}) rejects with InvalidRangeError`,
    async run({ backend }) {
      const key = newKey();
      const { location } = await putBytes(backend, key, randomData(SIZE));
      await assertRejectsWith(backend.get(location, { range }), InvalidRangeError, { backend: backend.name, key });
    },
  };
}

export const rangeCases: SuiteCase[] = [
  ...validRanges.map(readsRange),
  ...invalidRanges.map(refusesRange),
  {
    title: 'any range of an empty object rejects with InvalidRangeError',
    async run({ backend }) {
      const key = newKey();
      const { location } = await putBytes(backend, key, Buffer.alloc(0));
      await assertRejectsWith(backend.get(location, { range: { start: 0, end: 0 } }), InvalidRangeError, { backend: backend.name, key });
    },
  },
];
