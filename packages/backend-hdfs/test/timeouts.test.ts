import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chunkedSource, LazyRandomSource, randomData } from '@visor/backend-testsuite';
import { StorageUnavailableError } from '../src/index.js';
import { emulatedStores, KEY, storeFiles } from './support/emulated-hdfs.js';

const MiB = 1024 * 1024;

describe('hdfs: request timeout (emulated WebHDFS)', () => {
  const stores = emulatedStores();

  it('an upload the datanode stops reading fails after timeoutSeconds, and its temporary file is deleted', async () => {
    const { emulator, backend } = await stores.start({}, { timeoutSeconds: 1 });
    emulator.datanode.stallNextUpload(MiB);
    const started = Date.now();
    const error = await backend.put(KEY, new LazyRandomSource({ size: 64 * MiB })).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    assert.ok(error instanceof StorageUnavailableError, `got ${String(error)}`);
    assert.match(error.message, /did not answer in time/);
    assert.ok(elapsed >= 900 && elapsed < 15_000, `failed after ${elapsed} ms`);
    assert.deepEqual(storeFiles(emulator), []);
  });

  it('a namenode that never answers fails a request after timeoutSeconds as unavailable', async () => {
    const { emulator, backend } = await stores.start({}, { timeoutSeconds: 1 });
    const { location } = await backend.put(KEY, chunkedSource(randomData(100)));
    emulator.namenodes[0]!.hang = true;
    await assert.rejects(backend.stat(location), (error: unknown) => error instanceof StorageUnavailableError && /did not answer in time/.test(error.message));
    emulator.namenodes[0]!.hang = false;
    assert.equal((await backend.stat(location)).size, 100);
  });
});
