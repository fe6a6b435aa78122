import assert from 'node:assert/strict';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { readAll } from '@visor/backend-testsuite';
import { InvalidKeyError, ObjectNotFoundError } from '@visor/plugin-api';
import type { FsBackend } from '../src/index.js';
import { createFsBackend } from './support/create-fs-backend.js';
import { exists, listFiles } from './support/fs-probes.js';
import { makeTempDir, removeDir } from './support/temp-dir.js';

const KEY = 'ab12cd34-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const SHARD = 'ab';

describe('fs: keys and locations', () => {
  let root: string; // holds the store and, next to it, files a request must never reach
  let store: string;
  let backend: FsBackend;
  let location: string;

  beforeEach(async () => {
    root = await makeTempDir();
    store = join(root, 'store');
    backend = await createFsBackend({ directory: store }, { dataDir: root, name: 'local' });
    location = (await backend.put(KEY, Readable.from([Buffer.from('inside')]))).location;
    // A victim outside the store, at the same <shard>/<key> layout.
    await mkdir(join(root, 'outside', SHARD), { recursive: true });
    await writeFile(join(root, 'outside', SHARD, KEY), 'SECRET');
  });
  afterEach(() => removeDir(root));

  const victimIntact = async () => assert.equal(await readFile(join(root, 'outside', SHARD, KEY), 'utf8'), 'SECRET');

  it('returns the file: URL of <directory>/<shard>/<key>', () => {
    assert.equal(location, pathToFileURL(join(store, SHARD, KEY)).href);
  });

  it('keeps working in a directory whose path needs percent-encoding', async () => {
    const odd = await createFsBackend({ directory: join(root, 'a dir #1 %20') }, { dataDir: root });
    const put = await odd.put(KEY, Readable.from([Buffer.from('odd')]));
    assert.match(put.location, /a%20dir%20%231%20%2520/);
    assert.equal((await readAll((await odd.get(put.location)).body)).toString(), 'odd');
  });

  for (const key of ['ab/../../x', '.tmp', '.hidden', '-dash', 'a b', 'a\\b', 'ключ', 'x'.repeat(201), 'a/b']) {
    const shown = key.length > 20 ? `of ${key.length} characters` : JSON.stringify(key);
    it(`put refuses the key ${shown} and writes nothing`, async () => {
      const before = await listFiles(root);
      await assert.rejects(backend.put(key, Readable.from([Buffer.from('x')])), InvalidKeyError);
      assert.deepEqual(await listFiles(root), before);
    });
  }

  it('accepts a 200-character key', async () => {
    const key = 'k'.repeat(200);
    const put = await backend.put(key, Readable.from([Buffer.from('long')]));
    assert.equal((await backend.stat(put.location)).size, 4);
  });

  const outside: Array<[string, () => string]> = [
    ['file:///etc/passwd', () => 'file:///etc/passwd'],
    ['a victim outside the store at the same layout', () => pathToFileURL(join(root, 'outside', SHARD, KEY)).href],
    ['.. escaping the store', () => `${pathToFileURL(store).href}/../outside/${SHARD}/${KEY}`],
    ['percent-encoded .. escaping the store', () => `${pathToFileURL(store).href}/%2e%2e/outside/${SHARD}/${KEY}`],
    ['a sibling directory sharing the prefix', () => pathToFileURL(join(`${store}-evil`, SHARD, KEY)).href],
    ['the wrong shard', () => pathToFileURL(join(store, 'zz', KEY)).href],
    ['no shard', () => pathToFileURL(join(store, KEY)).href],
    ['a nested path below the shard', () => pathToFileURL(join(store, SHARD, SHARD, KEY)).href],
    ['the store directory itself', () => pathToFileURL(store).href],
    ['the temporary directory', () => pathToFileURL(join(store, '.tmp', `${KEY}.0123456789abcdef.part`)).href],
    ['an encoded slash', () => `${pathToFileURL(store).href}/${SHARD}%2F${KEY}`],
    ['an encoded NUL', () => `${pathToFileURL(join(store, SHARD)).href}/${KEY}%00`],
    ['a remote host', () => `file://fileserver${pathToFileURL(join(store, SHARD, KEY)).pathname}`],
    ['a query string', () => `${location}?x=1`],
    ['another scheme', () => `http://localhost${pathToFileURL(join(store, SHARD, KEY)).pathname}`],
    ['a plain relative path', () => `${SHARD}/${KEY}`],
    ['a plain absolute path', () => join(store, SHARD, KEY)],
  ];

  for (const [name, make] of outside) {
    it(`get, stat and delete refuse ${name} with InvalidKeyError`, async () => {
      const refused = make();
      await assert.rejects(backend.get(refused), InvalidKeyError);
      await assert.rejects(backend.stat(refused), InvalidKeyError);
      await assert.rejects(backend.delete(refused), InvalidKeyError);
      await victimIntact();
      assert.equal(await exists(join(store, SHARD, KEY)), true, 'the store object was deleted');
    });
  }

  it('refuses a location that reaches the store through a symlink (judged lexically)', async () => {
    const link = join(root, 'link-to-store');
    await symlink(store, link);
    const throughLink = pathToFileURL(join(link, SHARD, KEY)).href;
    await assert.rejects(backend.get(throughLink), InvalidKeyError);
    await assert.rejects(backend.delete(throughLink), InvalidKeyError);
    assert.equal(await exists(join(store, SHARD, KEY)), true);
  });

  it('resolves `<symlink>/..` lexically, so a symlink out of the store cannot redirect a request', async () => {
    // Physically, store/escape/.. is root/outside; lexically it is the store itself.
    await mkdir(join(root, 'outside', 'deep'));
    await symlink(join(root, 'outside', 'deep'), join(store, 'escape'));
    const tricky = `${pathToFileURL(store).href}/escape/../${SHARD}/${KEY}`;
    assert.equal((await readAll((await backend.get(tricky)).body)).toString(), 'inside');
    await backend.delete(tricky);
    await victimIntact();
    await assert.rejects(backend.stat(location), ObjectNotFoundError);
  });

  it('accepts an equivalent location after normalisation (./, x/.., localhost)', async () => {
    const base = pathToFileURL(store).href;
    for (const same of [`${base}/./${SHARD}/x/../${KEY}`, `file://localhost${new URL(location).pathname}`]) {
      assert.equal((await backend.stat(same)).size, 6, same);
    }
  });

  it('names the store and the refused location in the error', async () => {
    await assert.rejects(backend.get('file:///etc/passwd'), (error: unknown) => {
      assert.ok(error instanceof InvalidKeyError);
      assert.match(error.message, /^backend 'local' key 'file:\/\/\/etc\/passwd': invalid key: /);
      return true;
    });
  });
});
