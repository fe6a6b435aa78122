import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertRejectsWith, chunkedSource, randomData, readAll } from '@visor/backend-testsuite';
import { StorageUnavailableError } from '../src/index.js';
import { emulatedStores, KEY } from './support/emulated-hdfs.js';

describe('hdfs: failover between the namenodes of an HA pair (emulated WebHDFS)', () => {
  const stores = emulatedStores();

  it('moves to the other namenode on StandbyException and remembers it', async () => {
    const { emulator, backend } = await stores.start({ namenodes: 2 });
    const [first, second] = emulator.namenodes;
    assert.equal(backend.client.pool.activeIndex, 0);
    emulator.makeActive(1);
    const data = randomData(50_000);
    const { location } = await backend.put(KEY, chunkedSource(data));
    assert.equal(backend.client.pool.activeIndex, 1, 'the active namenode is remembered');
    const standbyAnswers = first!.requests.get('CREATE');
    assert.equal(standbyAnswers, 1, 'the standby was asked once, then left alone');
    assert.ok((await readAll((await backend.get(location)).body)).equals(data));
    assert.equal(first!.requests.get('CREATE'), 1);
    assert.equal(first!.requests.get('GETFILESTATUS') ?? 0, 0, 'later requests went straight to the active namenode');
    assert.ok((second!.requests.get('GETFILESTATUS') ?? 0) >= 2);
    const health = await backend.health();
    assert.equal(health.ok, true);
    assert.match(health.message ?? '', /namenode 2 of 2/);
  });

  it('moves to the other namenode when the active one stops answering connections', async () => {
    const { emulator, backend } = await stores.start({ namenodes: 2 });
    const data = randomData(10_000);
    const { location } = await backend.put(KEY, chunkedSource(data));
    await emulator.namenodes[0]!.stop(); // crashed: connection refused
    emulator.makeActive(1);
    assert.ok((await readAll((await backend.get(location)).body)).equals(data));
    assert.equal(backend.client.pool.activeIndex, 1);
    await backend.delete(location);
    await emulator.namenodes[0]!.start();
  });

  it('reports a retryable unavailability naming store and key when no namenode is active', async () => {
    const { emulator, backend } = await stores.start({ namenodes: 2 });
    const { location } = await backend.put(KEY, chunkedSource(randomData(1000)));
    emulator.makeActive(-1); // both standby, as during a failover
    await assertRejectsWith(backend.stat(location), StorageUnavailableError, { backend: 'default', key: KEY });
    const error = await backend.put(KEY, chunkedSource(randomData(1000))).catch((e: unknown) => e);
    assert.ok(error instanceof StorageUnavailableError);
    assert.equal(error.retryable, true);
    assert.equal(error.code, 'BackendUnavailable');
    assert.match(error.message, /no namenode is active/);
    emulator.makeActive(0);
    assert.equal((await backend.stat(location)).size, 1000);
  });
});
