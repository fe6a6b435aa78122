import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { ConfigError, PluginError, PluginNotFoundError, Visor, createVisor, loadConfig } from '../src/index.js';
import { get, request } from '@visor/test-support';
import { memoryBackendSource, optionsEchoExtensionSource, parseXml, writeFiles } from './helpers/plugin-kit.js';
import { listFiles, makeDataDir, memoryLogger, startVisor, X86, type TestVisor } from './helpers/test-visor.js';

const octet = { 'content-type': 'application/octet-stream' };

async function tempDir(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `visor-${label}-`));
}

/** A Visor built with createVisor options (baseDir) the shared helper does not take. */
async function serve(config: Record<string, unknown>, baseDir: string): Promise<{ visor: Visor; url: string; logs: string[] }> {
  const logs: string[] = [];
  const visor = await createVisor({ port: 0, plugins: [], ...config }, { baseDir, logger: memoryLogger(logs) });
  const { url } = await visor.listen();
  return { visor, url, logs };
}

async function registerAndUpload(url: string, image: Record<string, unknown>, data: Buffer) {
  const registered = await request('POST', `${url}/images`, { body: { image } });
  assert.equal(registered.status, 201, registered.text);
  const uploaded = await request('PUT', `${url}/images/${registered.json().image.id}`, { headers: octet, body: data });
  assert.equal(uploaded.status, 200, uploaded.text);
  return uploaded.json().image;
}

describe('stores: two fs stores', () => {
  let t: TestVisor;
  let archiveDir: string;
  before(async () => {
    archiveDir = await tempDir('archive');
    t = await startVisor({ stores: { default: { backend: 'fs' }, archive: { backend: 'fs', options: { directory: archiveDir } } } });
  });
  after(async () => {
    await t.close();
    await rm(archiveDir, { recursive: true, force: true });
  });

  it("an image registered with store 'archive' gets its file in the archive directory", async () => {
    const data = randomBytes(20_000);
    const image = await registerAndUpload(t.url, { ...X86, store: 'archive' }, data);
    assert.equal(image.store, 'archive');
    const path = fileURLToPath(image.location);
    assert.ok(path.startsWith(`${archiveDir}/`), path);
    assert.ok((await readFile(path)).equals(data));
    assert.deepEqual((await listFiles(join(t.dataDir, 'images'))).filter((f) => f.includes(image.id)), [], 'nothing in the default store');
    const download = await get(`${t.url}/images/${image.id}`);
    assert.ok(download.body.equals(data));
  });

  it("an image without a store goes to 'default', under the data directory", async () => {
    const image = await registerAndUpload(t.url, X86, Buffer.from('default bytes'));
    assert.equal(image.store, 'default');
    assert.ok(fileURLToPath(image.location).startsWith(join(t.dataDir, 'images') + '/'));
    assert.deepEqual((await listFiles(archiveDir)).filter((f) => f.includes(image.id)), []);
  });

  it('GET /status lists both backends, the default one marked', async () => {
    const res = await get(`${t.url}/status`);
    assert.equal(res.status, 200);
    const backends = res.json().status.backends as Array<Record<string, unknown>>;
    assert.deepEqual(
      backends.map((b) => [b.name, b.type, b.default, b.read_only, b.ok]).sort(),
      [
        ['archive', 'fs', false, false, true],
        ['default', 'fs', true, false, true],
      ],
    );
  });

  it("changing an image's store: allowed before the upload, 409 after it", async () => {
    const image = (await request('POST', `${t.url}/images`, { body: { image: X86 } })).json().image;
    const moved = await request('PUT', `${t.url}/images/${image.id}`, { body: { image: { store: 'archive' } } });
    assert.equal(moved.status, 200);
    assert.equal(moved.json().image.store, 'archive');
    const uploaded = (await request('PUT', `${t.url}/images/${image.id}`, { headers: octet, body: Buffer.from('moved') })).json().image;
    assert.ok(fileURLToPath(uploaded.location).startsWith(`${archiveDir}/`), 'the upload follows the new store');

    const conflict = await request('PUT', `${t.url}/images/${image.id}`, { body: { image: { store: 'default' } } });
    assert.equal(conflict.status, 409);
    assert.equal(conflict.json().code, 'Conflict');
    assert.match(conflict.json().message, /archive/);
    const same = await request('PUT', `${t.url}/images/${image.id}`, { body: { image: { store: 'archive', name: 'same store' } } });
    assert.equal(same.status, 200, 'naming the current store is no change');
    const after = (await get(`${t.url}/images/${image.id}/meta`)).json().image;
    assert.equal(after.store, 'archive');
    assert.equal(after.location, uploaded.location);
    assert.equal((await get(`${t.url}/images/${image.id}`)).text, 'moved');

    const unknown = await request('PUT', `${t.url}/images/${image.id}`, { body: { image: { store: 'nowhere' } } });
    assert.equal(unknown.status, 400);
    assert.deepEqual(unknown.json().allowed, ['default', 'archive']);
  });
});

describe("stores: defaultStore: 'archive'", () => {
  it('sends images without a store to the archive', async () => {
    const archiveDir = await tempDir('archive-default');
    const t = await startVisor({
      stores: { default: { backend: 'fs' }, archive: { backend: 'fs', options: { directory: archiveDir } } },
      defaultStore: 'archive',
    });
    try {
      const image = await registerAndUpload(t.url, X86, Buffer.from('to the archive'));
      assert.equal(image.store, 'archive');
      assert.ok(fileURLToPath(image.location).startsWith(`${archiveDir}/`));
      const explicit = await registerAndUpload(t.url, { ...X86, store: 'default' }, Buffer.from('to default'));
      assert.ok(fileURLToPath(explicit.location).startsWith(join(t.dataDir, 'images') + '/'));
      const backends = (await get(`${t.url}/status`)).json().status.backends as Array<{ name: string; default: boolean }>;
      assert.deepEqual(backends.filter((b) => b.default).map((b) => b.name), ['archive']);
    } finally {
      await t.close();
      await rm(archiveDir, { recursive: true, force: true });
    }
  });
});

describe('loader: backends', () => {
  let dir: string;
  before(async () => {
    dir = await tempDir('loader');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  // A name no package will have: @visor/backend-s3 (and the other first-party backends) are installed in this workspace.
  it("a configured backend 'nosuchstore' that is not installed: PluginNotFoundError naming @visor/backend-nosuchstore", async () => {
    const dataDir = await makeDataDir();
    try {
      await assert.rejects(
        createVisor({ dataDir, stores: { default: { backend: 'nosuchstore', options: { bucket: 'images' } } } }, { baseDir: dir, cwd: dir, logger: memoryLogger([]) }),
        (error: unknown) => {
          assert.ok(error instanceof PluginNotFoundError, String(error));
          assert.equal(error.code, 'PluginNotFound');
          assert.match(error.message, /@visor\/backend-nosuchstore/);
          assert.match(error.message, /npm install @visor\/backend-nosuchstore/);
          return true;
        },
      );
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('a store whose backend fails to load does not leave the stores created before it open', async () => {
    const dataDir = await makeDataDir();
    let closed = 0;
    const tracked = {
      kind: 'backend',
      type: 'tracked',
      create: (_options: unknown, context: { name: string }) => ({
        name: context.name, type: 'tracked',
        capabilities: { write: true, delete: true, rangeReads: true, positionalReads: false, redirects: false, locateBeforeWrite: false, sizeRequired: false, registerLocations: false },
        put: async () => ({ location: 'x', size: 0 }), get: async () => { throw new Error('unused'); },
        stat: async () => ({ size: 0 }), delete: async () => undefined, health: async () => ({ ok: true }),
        close: async () => void closed++,
      }),
    };
    try {
      await assert.rejects(
        createVisor({ dataDir, stores: { default: { backend: tracked }, broken: { backend: 'nosuchstore' } } }, { baseDir: dir, cwd: dir, logger: memoryLogger([]) }),
        PluginNotFoundError,
      );
      assert.equal(closed, 1);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('a store whose cleanup fails at start (its server unreachable) does not keep Visor from starting: logged, the others swept', async () => {
    const dataDir = await makeDataDir();
    const logs: string[] = [];
    let sweptOther = 0;
    const plugin = (cleanup: () => Promise<number>) => ({
      kind: 'backend',
      type: 'sweepable',
      create: (_options: unknown, context: { name: string }) => ({
        name: context.name, type: 'sweepable',
        capabilities: { write: true, delete: true, rangeReads: true, positionalReads: false, redirects: false, locateBeforeWrite: false, sizeRequired: false, registerLocations: false },
        put: async () => ({ location: 'x', size: 0 }), get: async () => { throw new Error('unused'); },
        stat: async () => ({ size: 0 }), delete: async () => undefined, health: async () => ({ ok: false, message: 'unreachable' }),
        cleanup,
      }),
    });
    const stores = {
      down: { backend: plugin(async () => { throw new Error('connect ECONNREFUSED'); }) },
      up: { backend: plugin(async () => { sweptOther += 1; return 0; }) },
    };
    try {
      const visor = await createVisor({ dataDir, port: 0, plugins: [], stores, defaultStore: 'up' }, { baseDir: dir, cwd: dir, logger: memoryLogger(logs) });
      await visor.close();
      assert.equal(sweptOther, 1, 'the store after the failing one was not swept');
      assert.ok(logs.some((line) => line.includes('could not remove the leftovers of a store') && line.includes('"store":"down"')), logs.join(''));
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('a relative-path backend plugin loads from baseDir, with its options', async () => {
    await writeFiles(dir, { 'plugins/my-backend.js': memoryBackendSource('memory') });
    const dataDir = await makeDataDir();
    const s = await serve({ dataDir, stores: { default: { backend: './plugins/my-backend.js', options: { label: 'ram' } } } }, dir);
    try {
      const data = randomBytes(3000);
      const image = await registerAndUpload(s.url, X86, data);
      assert.equal(image.location, `mem://${image.id}`);
      assert.ok((await get(`${s.url}/images/${image.id}`)).body.equals(data));
      const ranged = await get(`${s.url}/images/${image.id}`, { range: 'bytes=0-9' });
      assert.equal(ranged.status, 206);
      assert.ok(ranged.body.equals(data.subarray(0, 10)));
      const backends = (await get(`${s.url}/status`)).json().status.backends;
      assert.deepEqual(backends, [{ name: 'default', type: 'memory', default: true, read_only: false, ok: true, message: 'memory: {"label":"ram"}' }]);
      assert.deepEqual(await listFiles(join(dataDir, 'images')), [], 'no fs store was made');
    } finally {
      await s.visor.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('a relative path that does not exist is a ConfigError naming the resolved path', async () => {
    const dataDir = await makeDataDir();
    try {
      await assert.rejects(createVisor({ dataDir, stores: { default: { backend: './missing-backend.js' } } }, { baseDir: dir, logger: memoryLogger([]) }), (error: unknown) => {
        assert.ok(error instanceof ConfigError, String(error));
        assert.ok(error.message.includes(join(dir, 'missing-backend.js')), error.message);
        return true;
      });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('a backend that calls itself by another name than its store is refused with a PluginError, and closed', async () => {
    let closed = 0;
    const liar = {
      kind: 'backend',
      type: 'liar',
      create: () => ({ name: 'someone-else', type: 'liar', readOnly: false, health: async () => ({ ok: true }), close: async () => void closed++ }),
    };
    const dataDir = await makeDataDir();
    try {
      await assert.rejects(createVisor({ dataDir, stores: { default: { backend: liar } } }, { baseDir: dir, logger: memoryLogger([]) }), (error: unknown) => {
        assert.ok(error instanceof PluginError, String(error));
        assert.match(error.message, /someone-else/);
        return true;
      });
      assert.equal(closed, 1, 'the refused backend is released');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('loader: extension plugins by relative path', () => {
  let dir: string;
  before(async () => {
    dir = await tempDir('ext');
    await writeFiles(dir, { 'ext/echo.js': optionsEchoExtensionSource('echo') });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('loads, and apply receives its options', async () => {
    const dataDir = await makeDataDir();
    const options = { greeting: 'hi', nested: { n: 2, list: [1, 'two'] } };
    const s = await serve({ dataDir, plugins: [{ name: './ext/echo.js', options }] }, dir);
    try {
      const res = await get(`${s.url}/plugin-options/echo`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.json(), { options });
      const image = (await request('POST', `${s.url}/images`, { body: { image: X86 } })).json().image;
      assert.equal(image.stamped_by, 'echo', 'its hooks are tapped');
    } finally {
      await s.visor.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('a plain string entry loads too, with empty options', async () => {
    const dataDir = await makeDataDir();
    const s = await serve({ dataDir, plugins: ['./ext/echo.js'] }, dir);
    try {
      assert.deepEqual((await get(`${s.url}/plugin-options/echo`)).json(), { options: {} });
    } finally {
      await s.visor.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('a file that is not an extension plugin is a PluginError naming the problem', async () => {
    await writeFiles(dir, { 'ext/not-a-plugin.js': "export default { kind: 'backend', type: 'x', create() {} };\n" });
    const dataDir = await makeDataDir();
    try {
      await assert.rejects(createVisor({ dataDir, plugins: ['./ext/not-a-plugin.js'] }, { baseDir: dir, logger: memoryLogger([]) }), (error: unknown) => {
        assert.ok(error instanceof PluginError, String(error));
        assert.match(error.message, /kind must be 'extension'/);
        return true;
      });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('loader: a YAML config file, end to end', () => {
  let dir: string;
  let elsewhere: string;
  before(async () => {
    dir = await tempDir('yaml');
    elsewhere = await tempDir('cwd');
    await writeFiles(dir, {
      'etc/visor.yaml': [
        '# Visor, configured from a file',
        'port: 0',
        'dataDir: ../var',
        'logLevel: silent',
        'stores:',
        '  default:',
        '    backend: fs',
        '  memory:',
        '    backend: ./plugins/memory-backend.js',
        '    options:',
        '      label: from-yaml',
        'defaultStore: memory',
        'encoders: [xml, json]',
        'plugins:',
        '  - name: ./plugins/echo.js',
        '    options:',
        '      greeting: from yaml',
        '      retries: 3',
        'limits:',
        '  maxImageBytes: 100000',
        '',
      ].join('\n'),
      'etc/plugins/memory-backend.js': memoryBackendSource('memory'),
      'etc/plugins/echo.js': optionsEchoExtensionSource('echo'),
    });
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(elsewhere, { recursive: true, force: true });
  });

  it('loadConfig + Visor.create serve what the file says', async () => {
    const config = await loadConfig({ configPath: join(dir, 'etc/visor.yaml'), cwd: elsewhere, env: {} });
    assert.equal(config.configFile, join(dir, 'etc/visor.yaml'));
    assert.equal(config.baseDir, join(dir, 'etc'));
    assert.equal(config.dataDir, join(dir, 'var'));
    assert.equal(config.defaultStore, 'memory');
    assert.deepEqual(config.encoders.map((e) => e.name), ['xml', 'json']);
    assert.equal(config.limits.maxImageBytes, 100_000);

    const logs: string[] = [];
    const visor = await Visor.create(config, memoryLogger(logs));
    try {
      const { url } = await visor.listen();
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);

      const empty = await get(`${url}/images`);
      assert.match(empty.headers['content-type'] as string, /^application\/xml/, 'the first encoder is the default');
      assert.match(empty.text, /<images/);

      const registered = await request('POST', `${url}/images`, { headers: { accept: 'application/json' }, body: { image: X86 } });
      assert.equal(registered.status, 201);
      const image = registered.json().image;
      assert.equal(image.store, 'memory');
      assert.equal(image.stamped_by, 'echo');

      const data = randomBytes(5000);
      const uploaded = await request('PUT', `${url}/images/${image.id}`, { headers: { ...octet, accept: 'application/xml' }, body: data });
      assert.equal(uploaded.status, 200);
      const xmlImage = (await parseXml(uploaded.text)).image;
      assert.equal(xmlImage.location, `mem://${image.id}`);
      assert.equal(xmlImage.size, 5000);
      assert.ok((await get(`${url}/images/${image.id}`)).body.equals(data));

      const tooBig = await request('POST', `${url}/images`, {
        headers: { ...octet, 'x-image-meta-name': 'big', 'x-image-meta-architecture': 'x86_64' },
        body: randomBytes(100_001),
      });
      assert.equal(tooBig.status, 413, 'limits.maxImageBytes applies');

      const options = (await get(`${url}/plugin-options/echo`, { accept: 'application/json' })).json();
      assert.deepEqual(options, { options: { greeting: 'from yaml', retries: 3 } });

      const status = (await get(`${url}/status`, { accept: 'application/json' })).json().status;
      assert.deepEqual(
        status.backends.map((b: { name: string; type: string; default: boolean }) => [b.name, b.type, b.default]),
        [['default', 'fs', false], ['memory', 'memory', true]],
      );
      assert.ok((await stat(join(dir, 'var', 'visor.sqlite'))).isFile(), 'the database is in dataDir, relative to the file');
      assert.ok((await stat(join(dir, 'var', 'images'))).isDirectory(), 'so is the fs store');
      assert.deepEqual(await listFiles(elsewhere), [], 'nothing lands in the working directory');
    } finally {
      await visor.close();
    }
  });

  it('an unknown key in the file is a ConfigError naming it', async () => {
    await writeFiles(dir, { 'etc/typo.yaml': 'port: 0\nstores:\n  default:\n    backend: fs\n    optoins: {}\n' });
    await assert.rejects(loadConfig({ configPath: join(dir, 'etc/typo.yaml'), cwd: elsewhere, env: {} }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.key, 'stores.default.optoins');
      return true;
    });
  });
});
