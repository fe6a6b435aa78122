import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { FsBackend } from '../src/index.js';
import { createFsBackend } from './support/create-fs-backend.js';
import { makeTempDir, removeDir } from './support/temp-dir.js';

describe('fs: health()', () => {
  let dataDir: string;
  let backend: FsBackend;

  beforeEach(async () => {
    dataDir = await makeTempDir();
    backend = await createFsBackend({}, { dataDir });
  });
  afterEach(() => removeDir(dataDir));

  it('is ok for a writable directory and reports the free bytes', async () => {
    const health = await backend.health();
    assert.equal(health.ok, true);
    assert.match(health.message ?? '', /^the store directory is writable; \d+ bytes free \(\d+\.\d GiB\)$/);
    assert.ok(!(health.message ?? '').includes(dataDir), 'the message names no path');
  });

  it('is not ok once the directory is gone', async () => {
    await rm(backend.layout.directory, { recursive: true });
    const health = await backend.health();
    assert.equal(health.ok, false);
    assert.match(health.message ?? '', /ENOENT/);
  });

  it('is not ok when the temporary directory is missing', async () => {
    await rm(backend.layout.tempDirectory, { recursive: true });
    assert.equal((await backend.health()).ok, false);
  });

  it('is not ok when a file stands where the directory should be', async () => {
    await rm(backend.layout.directory, { recursive: true });
    await writeFile(backend.layout.directory, 'not a directory');
    const health = await backend.health();
    assert.equal(health.ok, false);
    assert.match(health.message ?? '', /is not a directory/);
  });
});
