import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chunkedSource, randomData, readAll } from '@visor/backend-testsuite';
import { StorageUnavailableError } from '../src/index.js';
import { emulatedStores, KEY, storeFiles } from './support/emulated-hdfs.js';

describe('hdfs: safe mode (emulated WebHDFS)', () => {
  const stores = emulatedStores();

  it('a put in safe mode fails as a retryable unavailability, leaves nothing, and succeeds once safe mode is off', async () => {
    const { emulator, backend } = await stores.start();
    const old = randomData(5000);
    const { location } = await backend.put(KEY, chunkedSource(old));
    emulator.setSafeMode(true);
    const error = await backend.put(KEY, chunkedSource(randomData(3 * 1024 * 1024), 64 * 1024)).catch((e: unknown) => e);
    assert.ok(error instanceof StorageUnavailableError, `got ${String(error)}`);
    assert.equal(error.retryable, true);
    assert.match(error.message, /backend 'default' key 'c0ffee00-[^']+': HDFS is unavailable for now \(SafeModeException\): Cannot create file/);
    assert.deepEqual(storeFiles(emulator), [KEY], 'no temporary file, the old object in place');
    // Reads go on in safe mode.
    assert.ok((await readAll((await backend.get(location)).body)).equals(old));
    emulator.setSafeMode(false);
    const fresh = randomData(4000);
    await backend.put(KEY, chunkedSource(fresh));
    assert.ok((await readAll((await backend.get(location)).body)).equals(fresh));
  });

  it('delete in safe mode fails as a retryable unavailability and keeps the object', async () => {
    const { emulator, backend } = await stores.start();
    const { location } = await backend.put(KEY, chunkedSource(randomData(100)));
    emulator.setSafeMode(true);
    await assert.rejects(backend.delete(location), StorageUnavailableError);
    emulator.setSafeMode(false);
    assert.equal((await backend.stat(location)).size, 100);
  });
});
