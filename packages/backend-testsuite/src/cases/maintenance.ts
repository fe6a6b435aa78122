import assert from 'node:assert/strict';
import { randomData } from '../bytes.js';
import { getBytes, newKey, putBytes } from '../object-helpers.js';
import type { SuiteCase } from '../suite-case.js';

export const maintenanceCases: SuiteCase[] = [
  {
    title: 'health() reports ok',
    async run({ backend }) {
      const health = await backend.health();
      assert.equal(health.ok, true, `not healthy: ${health.message ?? '(no message)'}`);
      if (health.message !== undefined) assert.equal(typeof health.message, 'string');
    },
  },
  {
    title: 'cleanup(), if implemented, returns 0 on a clean backend and removes nothing',
    async run({ backend, listRaw }) {
      const data = randomData(2000);
      const { location } = await putBytes(backend, newKey(), data);
      const before = await listRaw();
      assert.equal(before.length, 1);
      if (backend.cleanup) assert.equal(await backend.cleanup(), 0);
      assert.deepEqual(await listRaw(), before);
      assert.deepEqual(await getBytes(backend, location), data);
    },
  },
];
