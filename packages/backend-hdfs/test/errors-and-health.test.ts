import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { assertRejectsWith, chunkedSource, randomData, readAll } from '@visor/backend-testsuite';
import { BackendError, InvalidKeyError } from '@visor/plugin-api';
import { startWebHdfsEmulator, type WebHdfsEmulator } from '@visor/webhdfs-emulator';
import type { HdfsBackend } from '../src/index.js';
import { createHdfsBackend, DIRECTORY, emulatedStore, USER } from './support/emulated-hdfs.js';

const KEY = 'c0ffee00-1111-4222-8333-444455556666';

describe('hdfs: other errors and health (emulated WebHDFS)', () => {
  let emulator: WebHdfsEmulator | undefined;
  let backend: HdfsBackend | undefined;
  afterEach(async () => {
    await backend?.close();
    await emulator?.close();
    backend = emulator = undefined;
  });

  it('any other RemoteException becomes a BackendError naming store, key, exception and message', async () => {
    ({ emulator, backend } = await emulatedStore());
    emulator.namespace.mkdirs(`${DIRECTORY}/${KEY}/inside`, 0o755, USER);
    const location = backend.locationOf(KEY);
    const error = await backend.delete(location).catch((e: unknown) => e);
    assert.ok(error instanceof BackendError && error.constructor === BackendError, `got ${String(error)}`);
    assert.equal(error.code, 'BackendError');
    assert.match(error.message, new RegExp(`^backend 'default' key '${KEY}': PathIsNotEmptyDirectoryException: .*Directory is not empty`));
    await assertRejectsWith(backend.stat(location), BackendError, { backend: 'default', key: KEY });
  });

  it('refuses locations of other namenodes, with user information, or outside the store directory', async () => {
    ({ emulator, backend } = await emulatedStore());
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
    ({ emulator, backend } = await emulatedStore());
    assert.deepEqual(await backend.health(), { ok: true, message: 'the store directory is reachable through the namenode' });
    await backend.client.delete(DIRECTORY, true);
    assert.deepEqual(await backend.health(), { ok: false, message: 'the store is not usable: the store directory does not exist' });
    await emulator.namenodes[0]!.stop();
    const down = await backend.health();
    assert.equal(down.ok, false);
    assert.equal(down.message, 'the store is not usable: the namenode cannot be reached (ECONNREFUSED)');
  });

  it('starts while HDFS is unreachable, reports unhealthy, and works once the namenode is back', async () => {
    emulator = await startWebHdfsEmulator();
    emulator.provisionDirectory('/visor', USER);
    await emulator.namenodes[0]!.stop();
    backend = await createHdfsBackend({ namenodes: emulator.namenodeUrls });
    assert.equal((await backend.health()).ok, false);
    await emulator.namenodes[0]!.start();
    const data = randomData(1000);
    const { location } = await backend.put(KEY, chunkedSource(data));
    assert.ok((await readAll((await backend.get(location)).body)).equals(data));
    assert.equal((await backend.health()).ok, true);
  });

  it('replaces an object on a server that ignores renameoptions (an old HttpFS): delete, then rename', async () => {
    ({ emulator, backend } = await emulatedStore());
    emulator.namenodes[0]!.ignoreRenameOptions = true;
    const { location } = await backend.put(KEY, chunkedSource(randomData(5000)));
    const fresh = randomData(100);
    await backend.put(KEY, chunkedSource(fresh));
    assert.ok((await readAll((await backend.get(location)).body)).equals(fresh));
  });
});
