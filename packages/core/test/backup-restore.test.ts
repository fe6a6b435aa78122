import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { cp, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { authorizationHeader, VisorClient } from '@visor/client';
import { request } from '@visor/test-support';
import { createVisor, type Visor } from '../src/index.js';
import { makeDataDir, memoryLogger } from './helpers/test-visor.js';

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** What docs/operations.md says to do, on SQLite with the default fs store and access control on. */
describe('backup and restore (docs/operations.md)', () => {
  const dirs: string[] = [];
  const running: Visor[] = [];
  after(async () => {
    for (const visor of running) await visor.close().catch(() => undefined);
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('a backup taken while serving (database, then server.key, then the store) restores into a new data directory and serves the same images to the same keys', { timeout: 60_000 }, async () => {
    const original = await makeDataDir();
    const backup = await makeDataDir();
    const restored = await makeDataDir();
    dirs.push(original, backup, restored);
    const env = { VISOR_ADMIN_ACCESS_KEY: 'admin', VISOR_ADMIN_SECRET_KEY: 'backup-test-secret-0123456789' };
    const plugins = [{ name: 'auth', options: { env } }, 'tracking'];
    const first = await createVisor({ dataDir: original, port: 0, logLevel: 'warn', plugins }, { logger: memoryLogger([]) });
    running.push(first);
    const { url } = await first.listen();
    const admin = new VisorClient({ url, accessKey: env.VISOR_ADMIN_ACCESS_KEY, secretKey: env.VISOR_ADMIN_SECRET_KEY });
    // A user whose secret key is stored encrypted with server.key: restoring without server.key would lose it.
    const headers = { 'content-type': 'application/json', 'x-visor-date': new Date().toUTCString() };
    const authorization = authorizationHeader(env.VISOR_ADMIN_ACCESS_KEY, env.VISOR_ADMIN_SECRET_KEY, { method: 'POST', path: '/users', headers });
    const created = await request('POST', `${url}/users`, { headers: { ...headers, authorization }, body: { user: { access_key: 'alice', email: 'alice@example.com' } } });
    assert.equal(created.status, 201, created.text);
    const alice = created.json() as { user: { access_key: string; secret_key: string } };
    const files = [randomBytes(300_000), randomBytes(70_000)];
    const images = [];
    for (const [i, file] of files.entries()) {
      const image = await admin.register({ name: `Image ${i}`, architecture: 'x86_64', format: 'raw', access: 'public' });
      images.push(await admin.upload(image.id, Readable.from([file])));
    }

    // 1. the database, online (SQLite: VACUUM INTO, as `sqlite3 visor.sqlite ".backup …"` does)
    await first.db.raw('VACUUM INTO ?', [join(backup, 'visor.sqlite')]);
    // 2. server.key  3. the store's directory (files are written once, so a copy taken after the database holds every file it names)
    await cp(join(original, 'server.key'), join(backup, 'server.key'), { preserveTimestamps: true });
    await cp(join(original, 'images'), join(backup, 'images'), { recursive: true });
    await first.close();
    running.pop();
    await rm(original, { recursive: true, force: true });

    // Restore the database and server.key into a new, empty data directory; the fs store's directory goes back
    // to its old path, which the image locations in the database name (docs/operations.md says why).
    await mkdir(restored, { recursive: true });
    await cp(join(backup, 'visor.sqlite'), join(restored, 'visor.sqlite'));
    await cp(join(backup, 'server.key'), join(restored, 'server.key'));
    const storeDirectory = join(original, 'images');
    await cp(join(backup, 'images'), storeDirectory, { recursive: true });
    // No admin keys in the environment this time: they come from the restored database.
    const second = await createVisor({ dataDir: restored, port: 0, logLevel: 'warn', plugins: [{ name: 'auth', options: { env: {} } }, 'tracking'], stores: { default: { backend: 'fs', options: { directory: storeDirectory } } } }, { logger: memoryLogger([]) });
    running.push(second);
    const { url: url2 } = await second.listen();
    const admin2 = new VisorClient({ url: url2, accessKey: env.VISOR_ADMIN_ACCESS_KEY, secretKey: env.VISOR_ADMIN_SECRET_KEY });
    const listed = (await admin2.list()).images.map((i) => i.id).sort();
    assert.deepEqual(listed, images.map((i) => i.id).sort());
    for (const [i, image] of images.entries()) {
      const meta = await admin2.get(image.id);
      assert.equal(meta.status, 'available');
      assert.equal(meta.checksum, md5(files[i]!));
      const download = await admin2.download(image.id);
      assert.ok((await readStream(download.stream)).equals(files[i]!), `image ${i} serves the same bytes`);
    }
    const alice2 = new VisorClient({ url: url2, accessKey: 'alice', secretKey: alice.user.secret_key });
    assert.equal((await alice2.get(images[0]!.id)).id, images[0]!.id, "a user's keys still sign: server.key came along");
    assert.equal(await readFile(join(restored, 'server.key'), 'utf8'), await readFile(join(backup, 'server.key'), 'utf8'));
  });
});
