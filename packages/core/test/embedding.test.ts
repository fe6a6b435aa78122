import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { BadDigestError, ConflictError, NotFoundError, createVisor, type Visor } from '../src/index.js';
import { get, request } from '@visor/test-support';
import { chunked, extension, readAll } from './helpers/plugin-kit.js';
import { listFiles, makeDataDir, memoryLogger, X86 } from './helpers/test-visor.js';

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** True when nothing listens on the port: we can bind it ourselves. */
function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

describe('embedding: createVisor in-process, without listen()', () => {
  let visor: Visor;
  let dataDir: string;
  const logs: string[] = [];
  before(async () => {
    dataDir = await makeDataDir();
    visor = await createVisor({ dataDir }, { logger: memoryLogger(logs) });
  });
  after(async () => {
    await visor.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is not listening and has no URL', () => {
    assert.equal(visor.url, undefined);
  });

  it('registers, uploads from a Readable, lists, gets, downloads, updates and deletes', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 5);
    const registered = await visor.images.register({ ...X86, name: 'embedded', distro: 'debian' });
    assert.equal(registered.status, 'locked');
    assert.equal(registered.owner, null);
    assert.deepEqual(registered.properties, { distro: 'debian' });

    const uploaded = await visor.images.upload(registered.id, { stream: chunked(data), expect: {} });
    assert.equal(uploaded.status, 'available');
    assert.equal(uploaded.size, data.length);
    assert.equal(uploaded.checksum, md5(data));
    assert.equal(uploaded.sha256, sha256(data));
    assert.ok(uploaded.location?.startsWith('file://'));
    assert.ok((await readFile(fileURLToPath(uploaded.location!))).equals(data), 'the fs store holds the bytes');

    const { images, nextMarker } = await visor.images.list({ detail: true });
    assert.equal(nextMarker, null);
    assert.deepEqual(images.map((i) => i.id), [registered.id]);
    assert.equal(images[0]!.properties.distro, 'debian');

    const fetched = await visor.images.get(registered.id);
    assert.deepEqual(fetched, uploaded);

    const download = await visor.images.download(registered.id);
    assert.equal(download.range, null);
    const bytes = await readAll(download.stream);
    download.finish({ bytes: bytes.length, outcome: 'completed' });
    assert.ok(bytes.equals(data));

    const ranged = await visor.images.download(registered.id, { start: 10, end: 19 });
    const part = await readAll(ranged.stream);
    ranged.finish({ bytes: part.length, outcome: 'completed' });
    assert.ok(part.equals(data.subarray(10, 20)));

    const updated = await visor.images.update(registered.id, { name: 'renamed', distro: null, release: 12 });
    assert.equal(updated.name, 'renamed');
    assert.deepEqual(updated.properties, { release: 12 });
    assert.ok(updated.updated_at >= uploaded.updated_at);

    const deleted = await visor.images.delete(registered.id);
    assert.equal(deleted.id, registered.id);
    await assert.rejects(visor.images.get(registered.id), NotFoundError);
    await assert.rejects(stat(fileURLToPath(uploaded.location!)), { code: 'ENOENT' });
    assert.deepEqual((await visor.images.list()).images, []);
  });

  it('counts a completed in-process download as an access once finish() is called', async () => {
    const image = await visor.images.register(X86);
    await visor.images.upload(image.id, { stream: Readable.from([Buffer.from('abc')]), expect: {} });
    const download = await visor.images.download(image.id);
    await readAll(download.stream);
    download.finish({ bytes: 3, outcome: 'completed' });
    download.finish({ bytes: 3, outcome: 'completed' });
    let current = await visor.images.get(image.id);
    for (let i = 0; i < 100 && current.access_count === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      current = await visor.images.get(image.id);
    }
    assert.equal(current.access_count, 1, 'a second finish() is ignored');
    assert.ok(current.accessed_at);
  });

  it('registers and uploads in one call, and checks declared digests', async () => {
    const data = randomBytes(10_000);
    const image = await visor.images.registerWithFile({ ...X86, name: 'one-go' }, { stream: Readable.from([data]), expect: { sha256: sha256(data), size: data.length } });
    assert.equal(image.status, 'available');
    assert.equal(image.size, data.length);
    await assert.rejects(
      visor.images.registerWithFile({ ...X86, name: 'wrong' }, { stream: Readable.from([data]), expect: { checksum: md5(Buffer.from('x')) } }),
      BadDigestError,
    );
    assert.deepEqual((await visor.images.list({ filters: [{ field: 'name', value: 'wrong', property: false }] })).images, [], 'a failed one-go upload leaves no record');
  });

  it('a source stream that fails mid-upload rejects, leaves the image locked and no partial file', async () => {
    const image = await visor.images.register(X86);
    const failing = new Readable({
      read() {
        this.push(randomBytes(64 * 1024));
        this.destroy(new Error('disk on the client side failed'));
      },
    });
    await assert.rejects(visor.images.upload(image.id, { stream: failing, expect: {} }), (error: { code?: string }) => error.code === 'ClientClosedRequest');
    const current = await visor.images.get(image.id);
    assert.equal(current.status, 'locked');
    assert.equal(current.location, null);
    assert.deepEqual((await listFiles(join(dataDir, 'images'))).filter((f) => f.startsWith('.tmp/')), []);
    const retry = await visor.images.upload(image.id, { stream: Readable.from([Buffer.from('second try')]), expect: {} });
    assert.equal(retry.status, 'available', 'a failed upload can be retried');
  });

  it('an aborted signal stops the upload', async () => {
    const image = await visor.images.register(X86);
    const controller = new AbortController();
    const endless = new Readable({
      read() {
        setTimeout(() => this.push(Buffer.alloc(16 * 1024)), 1);
      },
    });
    setTimeout(() => controller.abort(), 30);
    await assert.rejects(visor.images.upload(image.id, { stream: endless, expect: {}, signal: controller.signal }), (error: { code?: string }) => error.code === 'ClientClosedRequest');
    endless.destroy();
    assert.equal((await visor.images.get(image.id)).status, 'locked');
  });

  it('a second upload of an image with a file is a ConflictError', async () => {
    const image = await visor.images.register(X86);
    await visor.images.upload(image.id, { stream: Readable.from([Buffer.from('a')]), expect: {} });
    await assert.rejects(visor.images.upload(image.id, { stream: Readable.from([Buffer.from('b')]), expect: {} }), ConflictError);
  });

  it('exposes the knex instance for plugins', async () => {
    const rows = (await visor.db('images').count({ n: '*' })) as Array<{ n: number }>;
    assert.equal(Number(rows[0]!.n), (await visor.images.list({ limit: 1000 })).images.length);
  });
});

describe('embedding: with no configuration at all', () => {
  let cwd: string;
  before(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'visor-embed-cwd-'));
  });
  after(() => rm(cwd, { recursive: true, force: true }));

  it('keeps data under <cwd>/visor-data: the SQLite file and the images/ directory', async () => {
    const visor = await createVisor({}, { cwd, logger: memoryLogger([]) });
    try {
      assert.equal(visor.config.dataDir, join(cwd, 'visor-data'));
      assert.deepEqual(visor.config.database, { client: 'sqlite3', filename: join(cwd, 'visor-data', 'visor.sqlite'), acquireTimeoutSeconds: 10 });
      assert.equal(visor.config.port, 4568);
      assert.equal(visor.config.host, '127.0.0.1');
      const image = await visor.images.register(X86);
      const stored = await visor.images.upload(image.id, { stream: Readable.from([Buffer.from('default place')]), expect: {} });
      const path = fileURLToPath(stored.location!);
      assert.ok(path.startsWith(join(cwd, 'visor-data', 'images') + '/'), path);
      assert.equal(await readFile(path, 'utf8'), 'default place');
      assert.ok((await stat(join(cwd, 'visor-data', 'visor.sqlite'))).isFile());
    } finally {
      await visor.close();
    }
    // The data survives a restart from the same directory.
    const again = await createVisor(undefined, { cwd, logger: memoryLogger([]) });
    try {
      assert.equal((await again.images.list()).images.length, 1);
    } finally {
      await again.close();
    }
  });

  it('reads no VISOR_* environment unless given one', async () => {
    const previous = process.env.VISOR_DATA_DIR;
    process.env.VISOR_DATA_DIR = join(cwd, 'from-env');
    try {
      const ignoring = await createVisor({}, { cwd, logger: memoryLogger([]) });
      assert.equal(ignoring.config.dataDir, join(cwd, 'visor-data'));
      await ignoring.close();
      const reading = await createVisor({}, { cwd, env: process.env, logger: memoryLogger([]) });
      assert.equal(reading.config.dataDir, join(cwd, 'from-env'));
      await reading.close();
      assert.ok((await stat(join(cwd, 'from-env', 'visor.sqlite'))).isFile());
    } finally {
      if (previous === undefined) delete process.env.VISOR_DATA_DIR;
      else process.env.VISOR_DATA_DIR = previous;
    }
  });
});

describe('embedding: listen() and close()', () => {
  it('serves over HTTP what was stored in-process; after close() the port is free', async () => {
    const dataDir = await makeDataDir();
    const order: string[] = [];
    const visor = await createVisor(
      {
        dataDir,
        port: 0,
        plugins: [
          extension('order', (v) => {
            v.hooks.afterDownload.tapPromise('order', async () => {
              await new Promise((resolve) => setTimeout(resolve, 20));
              order.push('afterDownload');
            });
            v.hooks.beforeClose.tap('order', () => void order.push('beforeClose'));
          }),
        ],
      },
      { logger: memoryLogger([]) },
    );
    try {
      const image = await visor.images.register(X86);
      const data = randomBytes(5000);
      await visor.images.upload(image.id, { stream: Readable.from([data]), expect: {} });
      const address = await visor.listen();
      assert.equal(visor.url, address.url);
      assert.ok(address.port > 0);
      assert.equal(address.url, `http://127.0.0.1:${address.port}`);
      assert.deepEqual(await visor.listen(), address, 'listen() twice returns the same address');
      assert.equal(await portIsFree(address.port), false);
      const meta = (await get(`${address.url}/images/${image.id}/meta`)).json().image;
      assert.equal(meta.uri, `${address.url}/images/${image.id}`);
      await request('PUT', `${address.url}/images/${image.id}`, { body: { image: { name: 'over http' } } });
      assert.equal((await visor.images.get(image.id)).name, 'over http', 'HTTP and in-process share one store');
      // A keep-alive connection that just finished a download must not hold close() up.
      const download = await get(`${address.url}/images/${image.id}`);
      assert.ok(download.body.equals(data));
      const started = Date.now();
      await visor.close();
      assert.ok(Date.now() - started < 2000, `close() took ${Date.now() - started} ms`);
      assert.equal(visor.url, undefined);
      assert.deepEqual(order, ['afterDownload', 'beforeClose'], 'close() waits for the download hooks before closing');
      assert.equal(await portIsFree(address.port), true);
      await assert.rejects(get(`${address.url}/status`), { code: 'ECONNREFUSED' });
    } finally {
      await visor.close().catch(() => undefined);
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('close() without listen() releases the database, which a new instance then reopens', async () => {
    const dataDir = await makeDataDir();
    const first = await createVisor({ dataDir }, { logger: memoryLogger([]) });
    await first.images.register(X86);
    await first.close();
    await assert.rejects(first.images.list(), 'the closed instance no longer reaches its database');
    const second = await createVisor({ dataDir }, { logger: memoryLogger([]) });
    try {
      assert.equal((await second.images.list()).images.length, 1);
    } finally {
      await second.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('a port in use makes listen() reject, and close() still works', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as net.AddressInfo).port;
    const dataDir = await makeDataDir();
    const visor = await createVisor({ dataDir, port }, { logger: memoryLogger([]) });
    try {
      await assert.rejects(visor.listen(), { code: 'EADDRINUSE' });
      assert.equal(visor.url, undefined);
    } finally {
      await visor.close();
      await new Promise((resolve) => blocker.close(resolve));
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
