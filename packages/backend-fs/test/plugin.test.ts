import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fsBackendPlugin, { FsBackend } from '../src/index.js';
import { createFsBackend } from './support/create-fs-backend.js';
import { makeTempDir, removeDir } from './support/temp-dir.js';

describe('fs: plugin', () => {
  it('is a backend plugin of type fs', () => {
    assert.equal(fsBackendPlugin.kind, 'backend');
    assert.equal(fsBackendPlugin.type, 'fs');
  });

  it('creates a writable FsBackend named after the store', async () => {
    const dataDir = await makeTempDir();
    try {
      const backend = await createFsBackend({}, { dataDir, name: 'archive' });
      assert.ok(backend instanceof FsBackend);
      assert.equal(backend.name, 'archive');
      assert.equal(backend.type, 'fs');
      assert.equal(backend.capabilities.write, true);
    } finally {
      await removeDir(dataDir);
    }
  });
});
