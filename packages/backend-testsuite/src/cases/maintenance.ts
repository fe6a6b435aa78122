import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
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
    requires: { write: true },
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
  {
    title: 'a put in progress survives cleanup() with or without minAgeMs, if implemented, and completes whole',
    requires: { write: true },
    async run({ backend }) {
      if (!backend.cleanup) return;
      const data = randomData(3 * 64 * 1024);
      const source = new PassThrough();
      const put = backend.put(newKey(), source, { size: data.length });
      source.write(data.subarray(0, 64 * 1024));
      await new Promise((resolve) => setTimeout(resolve, 50));
      await backend.cleanup({ minAgeMs: 0 });
      await backend.cleanup();
      source.end(data.subarray(64 * 1024));
      const { location, size } = await put.catch((error: unknown) => assert.fail(`the put failed after cleanup(): ${String(error)}`));
      assert.equal(size, data.length);
      assert.deepEqual(await getBytes(backend, location), data, 'the object differs from what was put');
    },
  },
];
