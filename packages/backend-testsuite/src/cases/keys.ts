import assert from 'node:assert/strict';
import { InvalidKeyError } from '@visor/plugin-api';
import { randomData } from '../bytes.js';
import { assertRejectsWith } from '../expect-error.js';
import { newKey, sizeIfRequired } from '../object-helpers.js';
import type { SuiteCase } from '../suite-case.js';
import { chunkedSource } from '../sources/chunked-source.js';

const invalidKeys = ['', '../x', 'a/../../b', '/etc/passwd', 'nul\0byte', '.', '..'];

function refusesKey(key: string): SuiteCase {
  return {
    title: `put refuses the key ${JSON.stringify(key)} with InvalidKeyError and stores nothing`,
    requires: { write: true },
    async run({ backend, listRaw }) {
      await assertRejectsWith(backend.put(key, chunkedSource(randomData(100))), InvalidKeyError, { backend: backend.name });
      assert.deepEqual(await listRaw(), []);
    },
  };
}

export const keyCases: SuiteCase[] = [
  ...invalidKeys.map(refusesKey),
  {
    title: 'get, stat and delete refuse a foreign location with InvalidKeyError',
    async run({ backend, foreignLocation }) {
      const subject = { backend: backend.name };
      await assertRejectsWith(backend.get(foreignLocation), InvalidKeyError, subject);
      await assertRejectsWith(backend.stat(foreignLocation), InvalidKeyError, subject);
      if (backend.capabilities.delete) await assertRejectsWith(backend.delete(foreignLocation), InvalidKeyError, subject);
    },
  },
  {
    title: 'get, stat and delete refuse a location that is not a URI with InvalidKeyError',
    async run({ backend }) {
      const subject = { backend: backend.name };
      await assertRejectsWith(backend.get('not a uri'), InvalidKeyError, subject);
      await assertRejectsWith(backend.stat('../../etc/passwd'), InvalidKeyError, subject);
      if (backend.capabilities.delete) await assertRejectsWith(backend.delete(''), InvalidKeyError, subject);
    },
  },
  {
    title: 'locationOf(key) names the location put(key) returns, and refuses an unsafe key with InvalidKeyError',
    requires: { write: true, locateBeforeWrite: true },
    async run({ backend }) {
      const key = newKey();
      const predicted = backend.locationOf!(key);
      const { location } = await backend.put(key, chunkedSource(randomData(10)), sizeIfRequired(backend, 10));
      assert.equal(predicted, location);
      assert.throws(() => backend.locationOf!('../x'), (error: unknown) => error instanceof InvalidKeyError && error.backend === backend.name);
    },
  },
];
