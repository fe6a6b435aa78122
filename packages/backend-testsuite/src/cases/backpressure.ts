import assert from 'node:assert/strict';
import { readAll, sha256 } from '../bytes.js';
import { newKey, sizeIfRequired } from '../object-helpers.js';
import { MiB } from '../options.js';
import type { SuiteCase } from '../suite-case.js';
import { LazyRandomSource } from '../sources/lazy-random-source.js';

export const backpressureCases: SuiteCase[] = [
  {
    title: 'put consumes a lazily produced source fully and reports its size',
    requires: { write: true },
    async run({ backend }) {
      const size = 16 * MiB + 3;
      const source = new LazyRandomSource({ size });
      const result = await backend.put(newKey(), source, { size });
      assert.equal(source.produced, size);
      assert.equal(result.size, size);
      assert.equal(sha256(await readAll((await backend.get(result.location)).body)), source.digest());
    },
  },
  {
    title: 'put does not drain its source far ahead of what reaches the storage',
    requires: { write: true },
    appliesTo: (options) => options.storedBytes !== undefined,
    async run({ backend, storedBytes, backpressureLimit }) {
      assert.ok(storedBytes, 'storedBytes probe missing');
      const size = Math.max(16 * MiB, 4 * backpressureLimit);
      const source = new LazyRandomSource({ size, probe: storedBytes });
      const result = await backend.put(newKey(), source, sizeIfRequired(backend, size));
      assert.equal(result.size, size);
      assert.ok(source.probes > 0, 'the storage was never probed during the put');
      assert.ok(
        source.maxLead <= backpressureLimit,
        `put read ${source.maxLead} bytes ahead of the storage (limit ${backpressureLimit})`,
      );
    },
  },
];
