import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertRejectsWith, chunkedSource, LazyRandomSource, randomData, readAll } from '@visor/backend-testsuite';
import { ObjectNotFoundError } from '@visor/plugin-api';
import { StorageUnavailableError } from '../src/index.js';
import { emulatedStores, KEY, storeFiles } from './support/emulated-hdfs.js';

const MiB = 1024 * 1024;

describe('hdfs: a datanode that dies mid-upload (emulated WebHDFS)', () => {
  const stores = emulatedStores();

  it('put rejects as unavailable, nothing is visible at the key, and the temporary file is deleted', async () => {
    const { emulator, backend } = await stores.start();
    const location = backend.locationOf(KEY);
    emulator.datanode.dieDuringNextUpload(2 * MiB);
    const source = new LazyRandomSource({ size: 16 * MiB });
    const error = await backend.put(KEY, source, { size: 16 * MiB }).catch((e: unknown) => e);
    assert.ok(error instanceof StorageUnavailableError, `got ${String(error)}`);
    assert.match(error.message, /the connection to the datanode broke|the datanode cannot be reached/);
    assert.equal(emulator.datanode.running, false, 'the datanode is down');
    assert.equal(emulator.datanode.interruptedUploads.length, 1, 'the datanode did receive part of the upload');
    assert.deepEqual(storeFiles(emulator), [], 'the partial temporary file was deleted through the namenode');
    await assertRejectsWith(backend.get(location), ObjectNotFoundError, { backend: 'default', key: KEY });
  });

  it('an earlier object at the key stays whole, and uploads work again once the datanode is back', async () => {
    const { emulator, backend } = await stores.start();
    const old = randomData(300_000);
    const { location } = await backend.put(KEY, chunkedSource(old));
    emulator.datanode.dieDuringNextUpload(MiB);
    await assert.rejects(backend.put(KEY, new LazyRandomSource({ size: 8 * MiB })), StorageUnavailableError);
    assert.deepEqual(storeFiles(emulator), [KEY]);
    await assert.rejects(backend.get(location), StorageUnavailableError, 'no datanode to read from');
    await emulator.datanode.start();
    assert.ok((await readAll((await backend.get(location)).body)).equals(old), 'the old object is intact');
    const fresh = randomData(200_000);
    await backend.put(KEY, chunkedSource(fresh));
    assert.ok((await readAll((await backend.get(location)).body)).equals(fresh));
  });
});
