import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { BackendError, StorageFullError } from '@visor/plugin-api';
import type { FsBackend } from '../src/index.js';
import { createFsBackend } from './support/create-fs-backend.js';
import { exists, listFiles } from './support/fs-probes.js';
import { makeTempDir, removeDir } from './support/temp-dir.js';
import { waitFor } from './support/wait-for.js';

const KEY = '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b';

describe('fs: atomic writes', () => {
  let dataDir: string;
  let backend: FsBackend;

  beforeEach(async () => {
    dataDir = await makeTempDir();
    backend = await createFsBackend({}, { dataDir });
  });
  afterEach(() => removeDir(dataDir));

  const tempFiles = () => readdir(backend.layout.tempDirectory);

  it('while a put is in progress, only a .part file in .tmp exists, not the final path', async () => {
    const source = new PassThrough();
    const first = randomBytes(256 * 1024);
    const rest = randomBytes(100_000);
    const put = backend.put(KEY, source);
    source.write(first);
    await waitFor('the .part file to receive bytes', async () => {
      const [name] = await tempFiles();
      return name !== undefined && (await stat(join(backend.layout.tempDirectory, name))).size > 0;
    });
    const [name] = await tempFiles();
    assert.match(name ?? '', new RegExp(`^${KEY}\\.[0-9a-f]{16}\\.part$`));
    assert.equal(await exists(backend.layout.objectPath(KEY)), false, 'the final path exists before the put ended');

    source.end(rest);
    const result = await put;
    assert.equal(result.size, first.length + rest.length);
    assert.deepEqual(await readFile(backend.layout.objectPath(KEY)), Buffer.concat([first, rest]));
    assert.deepEqual(await tempFiles(), []);
  });

  it('stores objects at <directory>/<first two chars of key>/<key>', async () => {
    const data = randomBytes(1234);
    await backend.put(KEY, Readable.from([data]));
    assert.deepEqual(await listFiles(backend.layout.directory), [join('3f', KEY)]);
    assert.deepEqual(await readFile(join(dataDir, 'images', '3f', KEY)), data);
  });

  it('a source error rejects put with that very error (not wrapped) and removes the temp file', async () => {
    const failure = new Error('client went away');
    const source = new PassThrough();
    const put = backend.put(KEY, source);
    source.write(randomBytes(10_000));
    await waitFor('the .part file', async () => (await tempFiles()).length === 1);
    source.destroy(failure);
    await assert.rejects(put, (error) => error === failure);
    assert.deepEqual(await listFiles(backend.layout.directory), []);
  });

  it('a disk failure rejects put with a BackendError naming the key and the errno, and removes the temp file', async () => {
    // A non-empty directory at the final path makes the rename fail.
    await mkdir(join(backend.layout.objectPath(KEY), 'blocker'), { recursive: true });
    await assert.rejects(backend.put(KEY, Readable.from([randomBytes(5000)])), (error: unknown) => {
      assert.ok(error instanceof BackendError, `got ${String(error)}`);
      assert.match(error.message, new RegExp(`key '${KEY}'.*rename failed \\((EISDIR|ENOTEMPTY|EEXIST)\\)`));
      assert.ok(!error.message.includes(dataDir), 'the message leaks the store path');
      assert.equal((error.cause as NodeJS.ErrnoException).syscall, 'rename');
      return true;
    });
    assert.deepEqual(await tempFiles(), []);
  });

  it('a put announcing more bytes than the disk has free is refused with StorageFullError before reading a byte', async () => {
    const source = new PassThrough();
    let pulled = false;
    source.on('resume', () => (pulled = true));
    const petabyte = 2 ** 50;
    await assert.rejects(backend.put(KEY, source, { size: petabyte }), (error: unknown) => {
      assert.ok(error instanceof StorageFullError, `got ${String(error)}`);
      assert.equal(error.code, 'InsufficientStorage');
      assert.match(error.message, new RegExp(`key '${KEY}': the store has \\d+ bytes free, the object needs ${petabyte}`));
      return true;
    });
    assert.equal(pulled, false, 'the source was read');
    assert.deepEqual(await tempFiles(), []);
    assert.deepEqual(await listFiles(backend.layout.directory), []);
  });

  it('an abort during the write removes the temp file and leaves an existing object untouched', async () => {
    const original = randomBytes(3000);
    await backend.put(KEY, Readable.from([original]));
    const controller = new AbortController();
    const source = new PassThrough();
    const put = backend.put(KEY, source, { signal: controller.signal });
    source.write(randomBytes(50_000));
    await waitFor('the .part file', async () => (await tempFiles()).length === 1);
    controller.abort();
    await assert.rejects(put, { name: 'AbortError' });
    assert.deepEqual(await tempFiles(), []);
    assert.deepEqual(await readFile(backend.layout.objectPath(KEY)), original);
  });

  it('a leftover file at the temp path is never written into (temp names are fresh each time)', async () => {
    const planted = join(backend.layout.tempDirectory, `${KEY}.planted.part`);
    await writeFile(planted, 'keep me');
    await backend.put(KEY, Readable.from([Buffer.from('new')]));
    assert.equal(await readFile(planted, 'utf8'), 'keep me');
    assert.equal(await readFile(backend.layout.objectPath(KEY), 'utf8'), 'new');
  });
});
