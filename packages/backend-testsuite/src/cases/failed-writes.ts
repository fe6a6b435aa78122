import assert from 'node:assert/strict';
import { ObjectNotFoundError, type Backend } from '@visor/plugin-api';
import { randomData } from '../bytes.js';
import { assertRejectsWith } from '../expect-error.js';
import { getBytes, newKey, putBytes, sizeIfRequired } from '../object-helpers.js';
import { MiB } from '../options.js';
import type { CaseContext, SuiteCase } from '../suite-case.js';
import { chunkedSource } from '../sources/chunked-source.js';
import { failingSource } from '../sources/failing-source.js';
import { LazyRandomSource } from '../sources/lazy-random-source.js';

/** A key whose location is known (it was stored once) but which holds nothing now. */
async function vacatedKey(backend: Backend): Promise<{ key: string; location: string }> {
  const key = newKey();
  const { location } = await putBytes(backend, key, randomData(10));
  await backend.delete(location);
  return { key, location };
}

async function assertNothingLeft({ backend, listRaw }: CaseContext, key: string, location: string): Promise<void> {
  assert.deepEqual(await listRaw(), [], 'a failed put left something behind');
  await assertRejectsWith(backend.get(location), ObjectNotFoundError, { backend: backend.name, key });
}

export const failedWriteCases: SuiteCase[] = [
  {
    title: 'a source that errors midway: put rejects, nothing is left behind, the key is not readable',
    requires: { write: true },
    async run(context) {
      const { backend } = context;
      const { key, location } = await vacatedKey(backend);
      const source = failingSource(randomData(2 * MiB), MiB, new Error('source broke'));
      await assert.rejects(backend.put(key, source, { size: 2 * MiB }));
      await assertNothingLeft(context, key, location);
    },
  },
  {
    title: 'an AbortSignal aborted midway: put rejects, nothing is left behind, the key is not readable',
    requires: { write: true },
    async run(context) {
      const { backend } = context;
      const { key, location } = await vacatedKey(backend);
      const controller = new AbortController();
      const source = new LazyRandomSource({
        size: 64 * MiB,
        onProgress: (produced) => {
          if (produced >= MiB) controller.abort();
        },
      });
      await assert.rejects(backend.put(key, source, { signal: controller.signal, ...sizeIfRequired(backend, 64 * MiB) }));
      assert.ok(source.produced < 64 * MiB, 'put read the whole source despite the abort');
      await assertNothingLeft(context, key, location);
    },
  },
  {
    title: 'an already aborted AbortSignal: put rejects and writes nothing',
    requires: { write: true },
    async run(context) {
      const { backend } = context;
      const { key, location } = await vacatedKey(backend);
      const signal = AbortSignal.abort();
      await assert.rejects(backend.put(key, chunkedSource(randomData(1000)), { signal, ...sizeIfRequired(backend, 1000) }));
      await assertNothingLeft(context, key, location);
    },
  },
  {
    title: 'a failed put to an existing key leaves the old object intact',
    requires: { write: true },
    async run({ backend, listRaw }) {
      const key = newKey();
      const original = randomData(5000);
      const { location } = await putBytes(backend, key, original);
      const source = failingSource(randomData(MiB), 256 * 1024, new Error('source broke'));
      await assert.rejects(backend.put(key, source, sizeIfRequired(backend, MiB)));
      assert.deepEqual(await getBytes(backend, location), original);
      assert.equal((await listRaw()).length, 1, 'the failed put left something next to the old object');
    },
  },
];
