import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertRejectsWith, chunkedSource, randomData, readAll } from '@visor/backend-testsuite';
import { ConfigError } from '@visor/plugin-api';
import { startWebHdfsEmulator } from '@visor/webhdfs-emulator';
import { StoragePermissionError } from '../src/index.js';
import { createHdfsBackend, emulatedStores, KEY, storeFiles } from './support/emulated-hdfs.js';

describe('hdfs: permission errors (emulated WebHDFS)', () => {
  const stores = emulatedStores();

  it('a directory HDFS will not let the user create is a ConfigError naming stores.<name>.options.directory', async () => {
    const emulator = stores.closing(await startWebHdfsEmulator());
    emulator.provisionDirectory('/visor', 'someone-else', 0o755);
    await assert.rejects(createHdfsBackend({ namenodes: emulator.namenodeUrls }, 'archive'), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.key, 'stores.archive.options.directory');
      assert.match(error.message, /Permission denied: user=visor, access=WRITE/);
      return true;
    });
  });

  it('AccessControlException on a put becomes StoragePermissionError naming store, key and HDFS message; nothing is left', async () => {
    const { emulator, backend } = await stores.start();
    const { location } = await backend.put(KEY, chunkedSource(randomData(100)));
    emulator.namespace.setOwner('/visor/images/.tmp', 'hdfs', 0o755); // an administrator took the directory away
    const error = await backend.put(KEY, chunkedSource(randomData(1000))).catch((e: unknown) => e);
    assert.ok(error instanceof StoragePermissionError, `got ${String(error)}`);
    assert.equal(error.code, 'BackendError');
    assert.match(error.message, /^backend 'default' key 'c0ffee00-1111-4222-8333-444455556666': permission denied by HDFS: Permission denied: user=visor, access=WRITE, inode="\/visor\/images\/.tmp"/);
    assert.deepEqual(storeFiles(emulator), [KEY]);
    assert.equal((await readAll((await backend.get(location)).body)).length, 100);
  });

  it('a file the user may not read: get rejects with StoragePermissionError', async () => {
    const { emulator, backend } = await stores.start();
    const { location } = await backend.put(KEY, chunkedSource(randomData(100)));
    emulator.namespace.setOwner(`/visor/images/${KEY}`, 'hdfs', 0o600);
    await assertRejectsWith(backend.get(location), StoragePermissionError, { backend: 'default', key: KEY });
  });

  it('a delegation token authenticates on a secure cluster; an unknown one is a StoragePermissionError (SecurityException)', async () => {
    const { emulator, backend } = await stores.start(
      { secure: true, delegationTokens: { 'KAAKSm9iVG9rZW4': 'visor' } },
      { user: undefined, delegationToken: 'KAAKSm9iVG9rZW4' },
    );
    const data = randomData(5000);
    const { location } = await backend.put(KEY, chunkedSource(data));
    assert.ok(!location.includes('KAAKSm9iVG9rZW4'), 'the location carries no token');
    assert.ok((await readAll((await backend.get(location)).body)).equals(data));
    assert.equal(emulator.namespace.filesUnder('/visor/images')[0]!.node.owner, 'visor', 'acting as the user the token encodes');

    const stranger = await createHdfsBackend({ namenodes: emulator.namenodeUrls, user: undefined, delegationToken: 'bm9wZQ' }).catch((e: unknown) => e);
    assert.ok(stranger instanceof ConfigError, 'a bad token fails at start');
    assert.match(stranger.message, /permission denied by HDFS: Failed to obtain user group information/);
  });
});
