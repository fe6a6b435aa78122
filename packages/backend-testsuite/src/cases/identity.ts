import assert from 'node:assert/strict';
import type { SuiteCase } from '../suite-case.js';

export const identityCases: SuiteCase[] = [
  {
    title: 'has a name and a type, and is writable',
    async run({ backend }) {
      assert.equal(typeof backend.name, 'string');
      assert.ok(backend.name.length > 0, 'name is empty');
      assert.equal(typeof backend.type, 'string');
      assert.ok(backend.type.length > 0, 'type is empty');
      assert.equal(backend.readOnly, false, 'the conformance suite is for writable backends');
    },
  },
];
