import assert from 'node:assert/strict';
import { randomData } from '../bytes.js';
import { newKey, putBytes } from '../object-helpers.js';
import type { SuiteCase } from '../suite-case.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export const statCases: SuiteCase[] = [
  {
    title: 'stat reports the size, and a plausible modification time when it gives one',
    async run({ backend }) {
      const { location } = await putBytes(backend, newKey(), randomData(4321));
      const stat = await backend.stat(location);
      assert.equal(stat.size, 4321);
      if (stat.modifiedAt !== undefined) {
        assert.ok(stat.modifiedAt instanceof Date, 'modifiedAt is not a Date');
        // A day either way allows for clock skew between Visor and remote storage.
        assert.ok(Math.abs(stat.modifiedAt.getTime() - Date.now()) < DAY_MS, `implausible modifiedAt ${String(stat.modifiedAt)}`);
      }
    },
  },
  {
    title: 'stat reports size 0 for an empty object',
    async run({ backend }) {
      const { location } = await putBytes(backend, newKey(), Buffer.alloc(0));
      assert.equal((await backend.stat(location)).size, 0);
    },
  },
];
