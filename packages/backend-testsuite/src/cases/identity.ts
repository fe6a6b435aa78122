import assert from 'node:assert/strict';
import { capabilityProblems, ReadOnlyBackendError } from '@visor/plugin-api';
import { randomData } from '../bytes.js';
import { assertRejectsWith } from '../expect-error.js';
import { newKey } from '../object-helpers.js';
import { chunkedSource } from '../sources/chunked-source.js';
import type { SuiteCase } from '../suite-case.js';

export const identityCases: SuiteCase[] = [
  {
    title: 'has a name and a type, and declares its capabilities soundly',
    async run({ backend }) {
      assert.equal(typeof backend.name, 'string');
      assert.ok(backend.name.length > 0, 'name is empty');
      assert.equal(typeof backend.type, 'string');
      assert.ok(backend.type.length > 0, 'type is empty');
      assert.deepEqual(capabilityProblems(backend as unknown as Record<string, unknown>), [], 'capability declaration');
    },
  },
  {
    title: 'a read-only backend refuses put with ReadOnlyBackendError and stores nothing',
    requires: { write: false },
    async run({ backend, listRaw }) {
      const before = await listRaw();
      await assertRejectsWith(backend.put(newKey(), chunkedSource(randomData(100))), ReadOnlyBackendError, { backend: backend.name });
      assert.deepEqual(await listRaw(), before);
    },
  },
];
