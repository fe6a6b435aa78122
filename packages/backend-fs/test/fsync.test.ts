import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { open, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createFsBackend } from './support/create-fs-backend.js';
import { makeTempDir, removeDir } from './support/temp-dir.js';

const KEY = 'deadbeef-2222-4333-8444-555566667777';

/** Counts FileHandle.sync() calls (the file's fsync and the directory's) while `action` runs. */
async function countSyncs(dataDir: string, action: () => Promise<void>): Promise<number> {
  const probe = await open(join(dataDir, 'probe'), 'w');
  const prototype = Object.getPrototypeOf(probe) as { sync(): Promise<void> };
  await probe.close();
  const original = prototype.sync;
  let calls = 0;
  prototype.sync = function (this: unknown) {
    calls += 1;
    return original.call(this);
  };
  try {
    await action();
  } finally {
    prototype.sync = original;
  }
  return calls;
}

describe('fs: fsync option', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await makeTempDir();
  });
  afterEach(() => removeDir(dataDir));

  it('with fsync: true, syncs the file and its directory and stores the object', async () => {
    const backend = await createFsBackend({ fsync: true }, { dataDir });
    const data = randomBytes(300_000);
    const syncs = await countSyncs(dataDir, async () => {
      const result = await backend.put(KEY, Readable.from([data]));
      assert.equal(result.size, data.length);
    });
    assert.equal(syncs, 2);
    assert.deepEqual(await readFile(backend.layout.objectPath(KEY)), data);
    assert.deepEqual(await readdir(backend.layout.tempDirectory), []);
  });

  it('by default does not sync', async () => {
    const backend = await createFsBackend({}, { dataDir });
    const syncs = await countSyncs(dataDir, async () => {
      await backend.put(KEY, Readable.from([randomBytes(1000)]));
    });
    assert.equal(syncs, 0);
  });
});
