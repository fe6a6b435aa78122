import assert from 'node:assert/strict';
import { randomData, sha256 } from '../bytes.js';
import { getBytes, newKey, putBytes } from '../object-helpers.js';
import { MiB } from '../options.js';
import type { SuiteCase } from '../suite-case.js';

export const roundTripCases: SuiteCase[] = [
  {
    title: 'stores and returns an empty object',
    async run({ backend }) {
      const result = await putBytes(backend, newKey(), Buffer.alloc(0));
      assert.equal(result.size, 0);
      assert.equal((await getBytes(backend, result.location)).length, 0);
    },
  },
  {
    title: 'stores and returns a small object',
    async run({ backend }) {
      const data = randomData(1000);
      const result = await putBytes(backend, newKey(), data);
      assert.equal(result.size, data.length);
      assert.deepEqual(await getBytes(backend, result.location), data);
    },
  },
  {
    title: 'stores and returns a multi-MiB object delivered in many chunks (SHA-256 equal)',
    async run({ backend }) {
      const data = randomData(3 * MiB + 12_345);
      const result = await putBytes(backend, newKey(), data, 64 * 1024);
      assert.equal(result.size, data.length);
      const back = await getBytes(backend, result.location);
      assert.equal(back.length, data.length);
      assert.equal(sha256(back), sha256(data));
    },
  },
  {
    title: 'returns a location that is a URI',
    async run({ backend }) {
      const { location } = await putBytes(backend, newKey(), randomData(10));
      assert.equal(typeof location, 'string');
      assert.ok(URL.canParse(location), `not a URI: ${location}`);
    },
  },
  {
    title: 'gives different keys different locations, each holding its own data',
    async run({ backend }) {
      const [a, b] = [randomData(100), randomData(200)];
      const putA = await putBytes(backend, newKey(), a);
      const putB = await putBytes(backend, newKey(), b);
      assert.notEqual(putA.location, putB.location);
      assert.deepEqual(await getBytes(backend, putA.location), a);
      assert.deepEqual(await getBytes(backend, putB.location), b);
    },
  },
];
