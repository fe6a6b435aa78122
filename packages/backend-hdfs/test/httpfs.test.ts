import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chunkedSource, randomData, readAll } from '@visor/backend-testsuite';
import { emulatedStores, KEY, storeFiles } from './support/emulated-hdfs.js';

describe('hdfs: through an HttpFS gateway (emulated WebHDFS)', () => {
  const stores = emulatedStores();

  for (const noRedirect of [false, true]) {
    it(`stores, reads whole and by range, replaces and deletes${noRedirect ? ' (noredirect=true)' : ''}`, async () => {
      const { emulator, backend } = await stores.start({ httpfs: true }, { noRedirect });
      const data = randomData(2 * 1024 * 1024 + 5);
      const { location } = await backend.put(KEY, chunkedSource(data, 64 * 1024), { size: data.length });
      assert.ok((await readAll((await backend.get(location)).body)).equals(data));
      assert.ok((await readAll((await backend.get(location, { range: { start: 7, end: 70_006 } })).body)).equals(data.subarray(7, 70_007)));
      const fresh = randomData(10);
      await backend.put(KEY, chunkedSource(fresh));
      assert.ok((await readAll((await backend.get(location)).body)).equals(fresh));
      assert.equal(emulator.datanode.interruptedUploads.length, 0);
      assert.equal((emulator.namenodes[0]!.requests.get('CREATE') ?? 0) >= 4, true, 'both steps of each CREATE went to the gateway');
      await backend.delete(location);
      assert.deepEqual(storeFiles(emulator), []);
    });
  }
});
