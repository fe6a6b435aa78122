import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertRejectsWith, chunkedSource, randomData, readAll } from '@visor/backend-testsuite';
import { BackendError, InvalidKeyError } from '@visor/plugin-api';
import { startWebHdfsEmulator } from '@visor/webhdfs-emulator';
import { createHdfsBackend, DIRECTORY, emulatedStores, KEY, USER } from './support/emulated-hdfs.js';

describe('hdfs: other errors and health (emulated WebHDFS)', () => {
  const stores = emulatedStores();

  it('any other RemoteException becomes a BackendError naming store, key, exception and message', async () => {
    const { emulator, backend } = await stores.start();
    emulator.namespace.mkdirs(`${DIRECTORY}/${KEY}/inside`, 0o755, USER);
    const location = backend.locationOf(KEY);
    const error = await backend.delete(location).catch((e: unknown) => e);
    assert.ok(error instanceof BackendError && error.constructor === BackendError, `got ${String(error)}`);
    assert.equal(error.code, 'BackendError');
    assert.match(error.message, new RegExp(`^backend 'default' key '${KEY}': PathIsNotEmptyDirectoryException: .*Directory is not empty`));
    await assertRejectsWith(backend.stat(location), BackendError, { backend: 'default', key: KEY });
  });

  it('refuses locations of other namenodes, with user information, or outside the store directory', async () => {
    const { emulator, backend } = await stores.start();
    const host = new URL(emulator.namenodeUrls[0]!).host;
    for (const location of [
      `hdfs://other.example:9870${DIRECTORY}/${KEY}`,
      `hdfs://visor:token@${host}${DIRECTORY}/${KEY}`,
      `hdfs://${host}/elsewhere/${KEY}`,
      `hdfs://${host}${DIRECTORY}/.tmp/${KEY}`,
      `hdfs://${host}${DIRECTORY}/${KEY}?op=DELETE`,
      `webhdfs://${host}${DIRECTORY}/${KEY}`,
    ]) {
      await assertRejectsWith(backend.delete(location), InvalidKeyError, { backend: 'default' });
    }
  });

  it('health reports a missing store directory and an unreachable namenode without naming hosts or paths', async () => {
    const { emulator, backend } = await stores.start();
    assert.deepEqual(await backend.health(), { ok: true, message: 'the store directory is reachable through the namenode' });
    await backend.client.delete(DIRECTORY, true);
    assert.deepEqual(await backend.health(), { ok: false, message: 'the store is not usable: the store directory does not exist' });
    await emulator.namenodes[0]!.stop();
    const down = await backend.health();
    assert.equal(down.ok, false);
    assert.equal(down.message, 'the store is not usable: the namenode cannot be reached (ECONNREFUSED)');
  });

  it('starts while HDFS is unreachable, reports unhealthy, and works once the namenode is back', async () => {
    const emulator = stores.closing(await startWebHdfsEmulator());
    emulator.provisionDirectory('/visor', USER);
    await emulator.namenodes[0]!.stop();
    const backend = stores.closing(await createHdfsBackend({ namenodes: emulator.namenodeUrls }));
    assert.equal((await backend.health()).ok, false);
    await emulator.namenodes[0]!.start();
    const data = randomData(1000);
    const { location } = await backend.put(KEY, chunkedSource(data));
    assert.ok((await readAll((await backend.get(location)).body)).equals(data));
    assert.equal((await backend.health()).ok, true);
  });

  it('replaces an object on a server that ignores renameoptions (an old HttpFS): delete, then rename', async () => {
    const { emulator, backend } = await stores.start();
    emulator.namenodes[0]!.ignoreRenameOptions = true;
    const { location } = await backend.put(KEY, chunkedSource(randomData(5000)));
    const fresh = randomData(100);
    await backend.put(KEY, chunkedSource(fresh));
    assert.ok((await readAll((await backend.get(location)).body)).equals(fresh));
  });
});
