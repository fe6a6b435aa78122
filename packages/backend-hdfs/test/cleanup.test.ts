import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chunkedSource, randomData, readAll } from '@visor/backend-testsuite';
import type { HdfsBackend } from '../src/index.js';
import { emulatedStores, KEY, storeFiles } from './support/emulated-hdfs.js';

const HOUR = 3600_000;
const TMP = '/visor/images/.tmp';

describe('hdfs: cleanup of old temporary files (emulated WebHDFS)', () => {
  const stores = emulatedStores();

  /** A temporary file another Visor instance left when it crashed. */
  async function leftover(backend: HdfsBackend, name: string): Promise<void> {
    await backend.client.create(`${TMP}/${name}`, chunkedSource(randomData(1000)), { overwrite: false });
  }

  it('with minAgeMs removes only temporary files the namenode last modified that long ago, by the namenode clock', async () => {
    const { emulator, backend } = await stores.start();
    const { location } = await backend.put(KEY, chunkedSource(randomData(2000)));
    // The cluster's clock runs 3 hours behind this host's: judged by the host's clock, every
    // file would look 3 hours old.
    emulator.clockOffsetMs = -3 * HOUR;
    await leftover(backend, `${KEY}.aaaaaaaaaaaaaaaa.part`);
    await leftover(backend, `${KEY}.bbbbbbbbbbbbbbbb.part`);
    emulator.namespace.setModificationTime(`${TMP}/${KEY}.aaaaaaaaaaaaaaaa.part`, Date.now() + emulator.clockOffsetMs - 2 * HOUR);

    assert.equal(await backend.cleanup({ minAgeMs: HOUR }), 0, 'first seen old: kept until a later pass finds it unchanged');
    assert.equal(await backend.cleanup({ minAgeMs: HOUR }), 1);
    assert.deepEqual(storeFiles(emulator), [`.tmp/${KEY}.bbbbbbbbbbbbbbbb.part`, KEY], 'the fresh leftover and the object stay');
    assert.equal(await backend.cleanup(), 1, 'without minAgeMs the fresh one goes too');
    assert.deepEqual(storeFiles(emulator), [KEY]);
    assert.equal((await readAll((await backend.get(location)).body)).length, 2000);
  });

  it('removes a stray directory in .tmp too, and returns 0 when .tmp is missing', async () => {
    const { emulator, backend } = await stores.start();
    await backend.client.create(`${TMP}/stray/nested/file`, chunkedSource(randomData(10)), { overwrite: false });
    assert.equal(await backend.cleanup(), 1);
    assert.deepEqual(storeFiles(emulator), []);
    await backend.client.delete(TMP, true);
    assert.equal(await backend.cleanup(), 0);
  });

  it("spares another instance's upload that looks old (HDFS keeps its creation time) but is still growing", async () => {
    const { emulator, backend } = await stores.start();
    const name = `${KEY}.cccccccccccccccc.part`;
    await leftover(backend, name);
    const path = `${TMP}/${name}`;
    emulator.namespace.setModificationTime(path, Date.now() - 2 * HOUR);
    const file = emulator.namespace.filesUnder(TMP)[0]!.node;
    assert.equal(await backend.cleanup({ minAgeMs: HOUR }), 0);
    emulator.namespace.wrote(file, 4096); // the other instance's upload goes on
    assert.equal(await backend.cleanup({ minAgeMs: HOUR }), 0, 'it grew since the last pass: spared');
    assert.equal(await backend.cleanup({ minAgeMs: HOUR }), 1, 'unchanged since the last pass: a leftover');
    assert.deepEqual(storeFiles(emulator), []);
  });
});
