import assert from 'node:assert/strict';
import { mkdir, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { readAll } from '@visor/backend-testsuite';
import type { FsBackend } from '../src/index.js';
import { createFsBackend } from './support/create-fs-backend.js';
import { exists, listFiles } from './support/fs-probes.js';
import { makeTempDir, removeDir } from './support/temp-dir.js';
import { waitFor } from './support/wait-for.js';

const KEY = 'c0ffee00-1111-4222-8333-444455556666';

describe('fs: cleanup()', () => {
  let dataDir: string;
  let backend: FsBackend;

  beforeEach(async () => {
    dataDir = await makeTempDir();
    backend = await createFsBackend({}, { dataDir });
  });
  afterEach(() => removeDir(dataDir));

  it('removes every leftover in .tmp, counts them, and leaves objects alone', async () => {
    const { location } = await backend.put(KEY, Readable.from([Buffer.from('keep')]));
    const tmp = backend.layout.tempDirectory;
    await writeFile(join(tmp, `${KEY}.aaaaaaaaaaaaaaaa.part`), 'crashed write');
    await writeFile(join(tmp, `${KEY}.bbbbbbbbbbbbbbbb.part`), '');
    await writeFile(join(tmp, 'stray-file'), 'x');
    await mkdir(join(tmp, 'stray-dir', 'nested'), { recursive: true });

    assert.equal(await backend.cleanup(), 4);
    assert.deepEqual(await readdir(tmp), []);
    assert.equal((await readAll((await backend.get(location)).body)).toString(), 'keep');
    assert.equal(await backend.cleanup(), 0);
  });

  it('spares the temporary file of a put still in progress', async () => {
    const source = new PassThrough();
    const put = backend.put(KEY, source);
    source.write(Buffer.alloc(1000, 1));
    await waitFor('the .part file', async () => (await readdir(backend.layout.tempDirectory)).length === 1);

    assert.equal(await backend.cleanup(), 0);
    assert.equal((await readdir(backend.layout.tempDirectory)).length, 1);
    source.end(Buffer.alloc(500, 2));
    const result = await put;
    assert.equal(result.size, 1500);
    assert.deepEqual(await listFiles(backend.layout.directory), [join('c0', KEY)]);
  });

  it('with minAgeMs removes only leftovers untouched for that long (another instance may be writing the rest)', async () => {
    const tmp = backend.layout.tempDirectory;
    const old = join(tmp, `${KEY}.aaaaaaaaaaaaaaaa.part`);
    const fresh = join(tmp, `${KEY}.bbbbbbbbbbbbbbbb.part`);
    await writeFile(old, 'an hour old');
    await writeFile(fresh, 'just written');
    const hourAgo = new Date(Date.now() - 3600_000);
    await utimes(old, hourAgo, hourAgo);

    assert.equal(await backend.cleanup({ minAgeMs: 60_000 }), 1);
    assert.deepEqual(await readdir(tmp), [`${KEY}.bbbbbbbbbbbbbbbb.part`], 'the fresh one stays, and the clock probe is gone');
    assert.equal(await backend.cleanup(), 1, 'without minAgeMs the fresh one goes too');
  });

  it('recreates a missing .tmp directory and returns 0', async () => {
    await rm(backend.layout.tempDirectory, { recursive: true });
    assert.equal(await backend.cleanup(), 0);
    assert.equal(await exists(backend.layout.tempDirectory), true);
  });
});
