import assert from 'node:assert/strict';
import { randomData } from '../bytes.js';
import { getBytes, newKey, putBytes } from '../object-helpers.js';
import type { SuiteCase } from '../suite-case.js';

export const replaceCases: SuiteCase[] = [
  {
    title: 'put to an existing key replaces the object (a shorter one leaves no old tail)',
    requires: { write: true },
    async run({ backend, listRaw }) {
      const key = newKey();
      const first = await putBytes(backend, key, randomData(50_000));
      const replacement = randomData(1000);
      const second = await putBytes(backend, key, replacement);
      assert.equal(second.location, first.location, 'one key, one location');
      assert.equal(second.size, replacement.length);
      assert.deepEqual(await getBytes(backend, second.location), replacement);
      assert.equal((await backend.stat(second.location)).size, replacement.length);
      assert.equal((await listRaw()).length, 1, 'the old object is still stored next to the new one');
    },
  },
];
