import assert from 'node:assert/strict';
import { ObjectNotFoundError, type Backend } from '@visor/plugin-api';
import { randomData } from '../bytes.js';
import { assertRejectsWith } from '../expect-error.js';
import { newKey, putBytes } from '../object-helpers.js';
import type { SuiteCase } from '../suite-case.js';

/** The location of an object that existed and was deleted: the only portable way to name a missing object. */
async function deletedObject(backend: Backend): Promise<{ key: string; location: string }> {
  const key = newKey();
  const { location } = await putBytes(backend, key, randomData(100));
  await backend.delete(location);
  return { key, location };
}

export const missingObjectCases: SuiteCase[] = [
  {
    title: 'delete removes the object: get and stat fail and the storage no longer holds it',
    requires: { delete: true },
    async run({ backend, listRaw }) {
      const key = newKey();
      const { location } = await putBytes(backend, key, randomData(100));
      assert.equal((await listRaw()).length, 1, 'expected exactly one stored object before the delete');
      await backend.delete(location);
      await assertRejectsWith(backend.get(location), ObjectNotFoundError, { backend: backend.name, key });
      await assertRejectsWith(backend.stat(location), ObjectNotFoundError, { backend: backend.name, key });
      assert.deepEqual(await listRaw(), []);
    },
  },
  {
    title: 'get of a missing object rejects with ObjectNotFoundError naming backend and key',
    requires: { delete: true },
    async run({ backend }) {
      const { key, location } = await deletedObject(backend);
      await assertRejectsWith(backend.get(location), ObjectNotFoundError, { backend: backend.name, key });
    },
  },
  {
    title: 'a range get of a missing object rejects with ObjectNotFoundError',
    requires: { delete: true },
    async run({ backend }) {
      const { key, location } = await deletedObject(backend);
      await assertRejectsWith(backend.get(location, { range: { start: 0, end: 0 } }), ObjectNotFoundError, { backend: backend.name, key });
    },
  },
  {
    title: 'stat of a missing object rejects with ObjectNotFoundError naming backend and key',
    requires: { delete: true },
    async run({ backend }) {
      const { key, location } = await deletedObject(backend);
      await assertRejectsWith(backend.stat(location), ObjectNotFoundError, { backend: backend.name, key });
    },
  },
  {
    title: 'delete of a missing object rejects with ObjectNotFoundError naming backend and key',
    requires: { delete: true },
    async run({ backend }) {
      const { key, location } = await deletedObject(backend);
      await assertRejectsWith(backend.delete(location), ObjectNotFoundError, { backend: backend.name, key });
    },
  },
];
