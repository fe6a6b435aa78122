import assert from 'node:assert/strict';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ConfigError } from '@visor/plugin-api';
import { resolveFsOptions } from '../src/index.js';
import { createFsBackend } from './support/create-fs-backend.js';
import { exists } from './support/fs-probes.js';
import { makeTempDir, removeDir } from './support/temp-dir.js';

const KEY = 'f00dbabe-0000-4000-8000-000000000001';

describe('fs: options', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await makeTempDir();
  });
  afterEach(() => removeDir(dataDir));

  it('defaults to <dataDir>/images, no fsync, mode 0o640, and creates the directories', async () => {
    const backend = await createFsBackend(undefined, { dataDir });
    assert.deepEqual(backend.options, { directory: join(dataDir, 'images'), fsync: false, fileMode: 0o640 });
    assert.equal(await exists(join(dataDir, 'images', '.tmp')), true);
  });

  it('resolves a relative directory against dataDir, not the working directory', async () => {
    const backend = await createFsBackend({ directory: 'stores/archive' }, { dataDir });
    assert.equal(backend.layout.directory, join(dataDir, 'stores', 'archive'));
    await backend.put(KEY, Readable.from([Buffer.from('x')]));
    assert.equal(await exists(join(dataDir, 'stores', 'archive', 'f0', KEY)), true);
  });

  it('uses an absolute directory as it is', async () => {
    const elsewhere = join(dataDir, 'elsewhere');
    const backend = await createFsBackend({ directory: elsewhere }, { dataDir: '/nonexistent' });
    assert.equal(backend.layout.directory, elsewhere);
  });

  it('gives stored files exactly fileMode, whatever the umask', async () => {
    const previous = process.umask(0o077);
    try {
      for (const [fileMode, expected] of [[undefined, 0o640], [0o644, 0o644], ['0600', 0o600], ['0o604', 0o604], ['640', 0o640]] as const) {
        const backend = await createFsBackend(fileMode === undefined ? {} : { fileMode }, { dataDir });
        await backend.put(KEY, Readable.from([Buffer.from('x')]));
        assert.equal((await stat(backend.layout.objectPath(KEY))).mode & 0o777, expected, `fileMode ${String(fileMode)}`);
      }
    } finally {
      process.umask(previous);
    }
  });

  const bad: Array<[what: string, options: unknown, key: string]> = [
    ['an unknown option', { directroy: 'x' }, 'stores.archive.options.directroy'],
    ['a directory that is not a string', { directory: 42 }, 'stores.archive.options.directory'],
    ['an empty directory', { directory: '' }, 'stores.archive.options.directory'],
    ['a null directory', { directory: null }, 'stores.archive.options.directory'],
    ['a directory with a NUL byte', { directory: 'a\0b' }, 'stores.archive.options.directory'],
    ['fsync as a string', { fsync: 'yes' }, 'stores.archive.options.fsync'],
    ['fsync as a number', { fsync: 1 }, 'stores.archive.options.fsync'],
    ['fileMode above 0o777', { fileMode: 0o1777 }, 'stores.archive.options.fileMode'],
    ['a negative fileMode', { fileMode: -1 }, 'stores.archive.options.fileMode'],
    ['a fractional fileMode', { fileMode: 416.5 }, 'stores.archive.options.fileMode'],
    ['a non-octal fileMode string', { fileMode: '0999' }, 'stores.archive.options.fileMode'],
    ['a fileMode the owner cannot read', { fileMode: 0o200 }, 'stores.archive.options.fileMode'],
    ['fileMode as a boolean', { fileMode: true }, 'stores.archive.options.fileMode'],
    ['options that are a list', ['directory'], 'stores.archive.options'],
    ['options that are a string', 'images', 'stores.archive.options'],
  ];

  for (const [what, options, key] of bad) {
    it(`rejects ${what} with a ConfigError naming ${key}`, async () => {
      await assert.rejects(createFsBackend(options, { dataDir, name: 'archive' }), (error: unknown) => {
        assert.ok(error instanceof ConfigError, `got ${String(error)}`);
        assert.equal(error.key, key);
        assert.ok(error.message.includes(`'${key}'`), error.message);
        return true;
      });
    });
  }

  it('rejects a directory it cannot create with a ConfigError naming the directory option', async () => {
    await writeFile(join(dataDir, 'a-file'), 'in the way');
    await assert.rejects(createFsBackend({ directory: 'a-file/images' }, { dataDir, name: 'archive' }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.key, 'stores.archive.options.directory');
      assert.match(error.message, /ENOTDIR|EEXIST/);
      return true;
    });
  });

  it('resolveFsOptions leaves the given values as they are', () => {
    assert.deepEqual(resolveFsOptions({ directory: '/srv/images', fsync: true, fileMode: 0o600 }, { name: 'x', dataDir: '/var/lib/visor' }), {
      directory: '/srv/images',
      fsync: true,
      fileMode: 0o600,
    });
  });
});
