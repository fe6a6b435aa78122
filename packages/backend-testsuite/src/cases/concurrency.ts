import assert from 'node:assert/strict';
import { randomData } from '../bytes.js';
import { getBytes, newKey, putBytes } from '../object-helpers.js';
import { MiB } from '../options.js';
import type { SuiteCase } from '../suite-case.js';

export const concurrencyCases: SuiteCase[] = [
  {
    title: 'two concurrent puts to different keys both succeed',
    requires: { write: true },
    async run({ backend }) {
      const [a, b] = [randomData(2 * MiB), randomData(2 * MiB + 1)];
      const [putA, putB] = await Promise.all([putBytes(backend, newKey(), a, 16 * 1024), putBytes(backend, newKey(), b, 16 * 1024)]);
      assert.ok((await getBytes(backend, putA.location)).equals(a), 'first object differs');
      assert.ok((await getBytes(backend, putB.location)).equals(b), 'second object differs');
    },
  },
  {
    title: 'two concurrent puts to the same key leave exactly one of them, whole',
    requires: { write: true },
    async run({ backend, listRaw }) {
      const key = newKey();
      const [a, b] = [randomData(2 * MiB), randomData(MiB)];
      const [putA, putB] = await Promise.all([putBytes(backend, key, a, 16 * 1024), putBytes(backend, key, b, 16 * 1024)]);
      assert.equal(putA.location, putB.location);
      const stored = await getBytes(backend, putA.location);
      assert.ok(stored.equals(a) || stored.equals(b), 'the object is a mix of both puts, or neither');
      assert.equal((await listRaw()).length, 1);
    },
  },
];
