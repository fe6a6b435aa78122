import assert from 'node:assert/strict';
import { randomData } from '../bytes.js';
import { newKey, putBytes } from '../object-helpers.js';
import type { SuiteCase } from '../suite-case.js';

export const registeredLocationCases: SuiteCase[] = [
  {
    title: 'ownsLocation accepts the location of its own object and refuses a foreign one',
    requires: { registerLocations: true },
    async run({ backend, foreignLocation }) {
      const { location } = await putBytes(backend, newKey(), randomData(100));
      assert.equal(backend.ownsLocation!(location), true, `does not own ${location}`);
      assert.equal(backend.ownsLocation!(foreignLocation), false, `claims the foreign ${foreignLocation}`);
      assert.equal(backend.ownsLocation!('not a uri'), false);
    },
  },
];
