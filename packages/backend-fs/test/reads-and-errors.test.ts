import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { BackendError, ObjectNotFoundError } from '@visor/plugin-api';
import type { FsBackend } from '../src/index.js';
import { createFsBackend } from './support/create-fs-backend.js';
import { makeTempDir, removeDir } from './support/temp-dir.js';

const KEY = '0badf00d-aaaa-4bbb-8ccc-dddddddddddd';
const MiB = 1024 * 1024;

describe('fs: reads and errno mapping', () => {
  let dataDir: string;
  let backend: FsBackend;

  beforeEach(async () => {
    dataDir = await makeTempDir();
    backend = await createFsBackend({}, { dataDir });
  });
  afterEach(() => removeDir(dataDir));

  it('openReader: close waits for reads still under way, which complete with the right bytes; reads after close fail', async () => {
    const data = randomBytes(8 * MiB);
    const { location } = await backend.put(KEY, Readable.from([data]));
    const reader = await backend.openReader(location);
    const events: string[] = [];
    const buffers = [0, 1, 2, 3].map(() => Buffer.alloc(2 * MiB));
    const reads = buffers.map((buffer, i) =>
      reader.read(buffer, 2 * MiB, i * 2 * MiB).then((count) => {
        events.push(`read ${i}`);
        return count;
      }),
    );
    const closing = reader.close().then(() => events.push('closed'));
    assert.deepEqual(await Promise.all(reads), [2 * MiB, 2 * MiB, 2 * MiB, 2 * MiB]);
    await closing;
    assert.equal(events.at(-1), 'closed', events.join(', '));
    assert.ok(Buffer.concat(buffers).equals(data));
    await assert.rejects(reader.read(Buffer.alloc(1), 1, 0), (error: unknown) => error instanceof BackendError && /read after close/.test(error.message));
  });

  it('get reads in 1 MiB chunks', async () => {
    const { location } = await backend.put(KEY, Readable.from([randomBytes(3 * MiB + 10)]));
    const sizes: number[] = [];
    for await (const chunk of (await backend.get(location)).body) sizes.push((chunk as Buffer).length);
    assert.deepEqual(sizes, [MiB, MiB, MiB, 10]);
  });

  it('a missing file is ObjectNotFoundError with the ENOENT error as cause', async () => {
    const { location } = await backend.put(KEY, Readable.from([Buffer.from('x')]));
    await rm(backend.layout.objectPath(KEY));
    await assert.rejects(backend.get(location), (error: unknown) => {
      assert.ok(error instanceof ObjectNotFoundError);
      assert.equal((error.cause as NodeJS.ErrnoException).code, 'ENOENT');
      return true;
    });
  });

  it('a directory where the object should be is a BackendError, not a missing object', async () => {
    const location = backend.layout.locationOf(KEY);
    await mkdir(backend.layout.objectPath(KEY), { recursive: true });
    for (const attempt of [() => backend.get(location), () => backend.stat(location), () => backend.delete(location)]) {
      await assert.rejects(attempt(), (error: unknown) => {
        assert.ok(error instanceof BackendError && !(error instanceof ObjectNotFoundError), `got ${String(error)}`);
        assert.equal(error.key, KEY);
        assert.ok(!error.message.includes(dataDir), `the message leaks the store path: ${error.message}`);
        return true;
      });
    }
  });

  it('a delete that fails with an errno keeps the errno as cause', async () => {
    await mkdir(backend.layout.objectPath(KEY), { recursive: true });
    await assert.rejects(backend.delete(backend.layout.locationOf(KEY)), (error: unknown) => {
      assert.ok(error instanceof BackendError);
      assert.match(error.message, /unlink failed \((EISDIR|EPERM)\)/);
      assert.equal((error.cause as NodeJS.ErrnoException).syscall, 'unlink');
      return true;
    });
  });

  it('get with an already aborted signal rejects without opening the file', async () => {
    const { location } = await backend.put(KEY, Readable.from([Buffer.from('x')]));
    await assert.rejects(backend.get(location, { signal: AbortSignal.abort() }), { name: 'AbortError' });
  });
});
