import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CONFIG_SEARCH_PLACES, loadConfig, type VisorConfig } from '../src/config/index.js';
import { ConfigError } from '@visor/plugin-api';
import { configFileSource } from './fixtures/config/config-sources.js';
import { makeTempDir, removeDir, writeTree } from './fixtures/config/file-tree.js';

let root: string;
let count = 0;

async function freshDir(files: Record<string, string | object> = {}): Promise<string> {
  const dir = join(root, `case-${++count}`);
  await mkdir(dir, { recursive: true });
  return writeTree(dir, files);
}

/** The config with `stores` as a plain object, for deepEqual. */
function plain(config: VisorConfig): VisorConfig {
  return { ...config, stores: { ...config.stores } };
}

before(async () => {
  root = await makeTempDir('config');
});

after(async () => {
  await removeDir(root);
});

describe('loadConfig without a file', () => {
  it('uses every default', async () => {
    const cwd = await freshDir();
    const config = await loadConfig({ cwd, env: {} });
    assert.deepEqual(plain(config), {
      host: '127.0.0.1',
      port: 4568,
      publicUrl: null,
      dataDir: join(cwd, 'visor-data'),
      baseDir: cwd,
      configFile: null,
      logLevel: 'info',
      database: { client: 'sqlite3', filename: join(cwd, 'visor-data', 'visor.sqlite'), acquireTimeoutSeconds: 10 },
      stores: { default: { backend: 'fs', options: {} } },
      defaultStore: 'default',
      encoders: [{ name: 'json' }, { name: 'xml' }],
      plugins: [{ name: 'auth', options: {} }, { name: 'tracking', options: {} }],
      limits: { metadataBodyBytes: 1024 * 1024, maxImageBytes: null, idleTimeoutSeconds: 120 },
      heartbeatSeconds: 10,
      metrics: { enabled: true, host: '127.0.0.1', port: null },
      shutdownGraceSeconds: 30,
    });
  });

  it('gives each call its own objects', async () => {
    const cwd = await freshDir();
    const first = await loadConfig({ cwd, env: {} });
    first.stores.default!.options.root = 'changed';
    first.encoders.push({ name: 'csv' });
    const second = await loadConfig({ cwd, env: {} });
    assert.deepEqual(second.stores.default!.options, {});
    assert.equal(second.encoders.length, 2);
  });
});

describe('loadConfig file formats', () => {
  CONFIG_SEARCH_PLACES.forEach((fileName, index) => {
    it(`reads ${fileName}`, async () => {
      const port = 5000 + index;
      const cwd = await freshDir({ [fileName]: configFileSource(fileName, port) });
      const config = await loadConfig({ cwd, env: {} });
      assert.equal(config.port, port);
      assert.equal(config.configFile, join(cwd, fileName));
      assert.equal(config.baseDir, cwd);
      assert.deepEqual({ ...config.stores }, { main: { backend: 'fs', options: { root: 'images' } } });
      assert.equal(config.defaultStore, 'main');
    });
  });

  it('reads nested YAML settings', async () => {
    const cwd = await freshDir({
      'visor.config.yaml': [
        'host: 0.0.0.0',
        'publicUrl: https://images.example.com/',
        'database: postgres://visor@db/visor',
        'stores:',
        '  default: { backend: fs }',
        '  archive:',
        '    backend: "@acme/visor-s3"',
        '    options: { bucket: images, region: eu-west-1 }',
        'encoders: [json]',
        'plugins:',
        '  - tracking',
        '  - name: ./plugins/audit.js',
        '    options: { level: 2 }',
        'limits: { maxImageBytes: 1073741824 }',
        '',
      ].join('\n'),
    });
    const config = await loadConfig({ cwd, env: {} });
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.publicUrl, 'https://images.example.com');
    assert.deepEqual(config.database, { client: 'pg', connection: 'postgres://visor@db/visor', pool: { min: 0, max: 10 }, acquireTimeoutSeconds: 10 });
    assert.deepEqual(config.stores.archive, { backend: '@acme/visor-s3', options: { bucket: 'images', region: 'eu-west-1' } });
    assert.deepEqual(config.encoders, [{ name: 'json' }]);
    assert.deepEqual(config.plugins, [
      { name: 'tracking', options: {} },
      { name: './plugins/audit.js', options: { level: 2 } },
    ]);
    assert.equal(config.limits.maxImageBytes, 1073741824);
  });

  it('prefers .visorrc.json over visor.config.json in the same directory', async () => {
    const cwd = await freshDir({ '.visorrc.json': { port: 1 }, 'visor.config.json': { port: 2 } });
    assert.equal((await loadConfig({ cwd, env: {} })).port, 1);
  });

  it('skips a package.json without a visor key', async () => {
    const cwd = await freshDir({ 'package.json': { name: 'app' }, '.visorrc.json': { port: 3 } });
    const config = await loadConfig({ cwd, env: {} });
    assert.equal(config.port, 3);
    assert.equal(config.configFile, join(cwd, '.visorrc.json'));
  });

  it('takes an empty config file for all defaults, and stops searching there', async () => {
    const cwd = await freshDir({ '.visorrc': '', 'visor.config.json': { port: 4 } });
    const config = await loadConfig({ cwd, env: {} });
    assert.equal(config.port, 4568);
    assert.equal(config.configFile, join(cwd, '.visorrc'));
  });

  it('reports a malformed file as a ConfigError naming it', async () => {
    const cwd = await freshDir({ '.visorrc.json': '{ "port": ' });
    await assert.rejects(loadConfig({ cwd, env: {} }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.ok(error.message.includes(`cannot load config file '${join(cwd, '.visorrc.json')}'`), error.message);
      assert.ok(error.cause instanceof Error);
      return true;
    });
  });

  it('reports invalid settings in a file with their dotted key', async () => {
    const cwd = await freshDir({ '.visorrc.yml': 'stores:\n  archive:\n    backend: 42\n' });
    await assert.rejects(loadConfig({ cwd, env: {} }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.key, 'stores.archive.backend');
      return true;
    });
  });
});

describe('loadConfig search', () => {
  it('searches up to the project root from a subdirectory', async () => {
    const project = await freshDir({ 'package.json': { name: 'app' }, 'visor.config.json': { port: 6001, dataDir: 'data' } });
    const cwd = join(project, 'src', 'deep');
    await mkdir(cwd, { recursive: true });
    const config = await loadConfig({ cwd, env: {} });
    assert.equal(config.port, 6001);
    assert.equal(config.baseDir, project);
    // A dataDir written in the file is relative to the file.
    assert.equal(config.dataDir, join(project, 'data'));
  });

  it('does not search above the project root', async () => {
    const outer = await freshDir({ '.visorrc.json': { port: 6002 }, 'app/package.json': { name: 'app' } });
    const cwd = join(outer, 'app', 'sub');
    await mkdir(cwd, { recursive: true });
    const config = await loadConfig({ cwd, env: {} });
    assert.equal(config.port, 4568);
    assert.equal(config.configFile, null);
  });

  it('searches only the working directory outside any project', async () => {
    const outer = await freshDir({ '.visorrc.json': { port: 6003 } });
    const cwd = join(outer, 'sub');
    await mkdir(cwd, { recursive: true });
    assert.equal((await loadConfig({ cwd, env: {} })).configFile, null);
  });
});

describe('loadConfig with an explicit file', () => {
  it('loads configPath relative to cwd instead of searching', async () => {
    const cwd = await freshDir({ '.visorrc.json': { port: 1 }, 'etc/custom.yaml': 'port: 7001\ndataDir: ../var\n' });
    const config = await loadConfig({ cwd, configPath: 'etc/custom.yaml', env: {} });
    assert.equal(config.port, 7001);
    assert.equal(config.configFile, join(cwd, 'etc/custom.yaml'));
    assert.equal(config.baseDir, join(cwd, 'etc'));
    assert.equal(config.dataDir, join(cwd, 'var'));
  });

  it('loads the file named by VISOR_CONFIG', async () => {
    const cwd = await freshDir({ 'conf/visor.json': { port: 7002 } });
    const config = await loadConfig({ cwd, env: { VISOR_CONFIG: join(cwd, 'conf/visor.json') } });
    assert.equal(config.port, 7002);
    assert.equal(config.configFile, join(cwd, 'conf/visor.json'));
  });

  it('prefers configPath over VISOR_CONFIG', async () => {
    const cwd = await freshDir({ 'a.json': { port: 7003 }, 'b.json': { port: 7004 } });
    const config = await loadConfig({ cwd, configPath: 'a.json', env: { VISOR_CONFIG: 'b.json' } });
    assert.equal(config.port, 7003);
  });

  it('reads the visor key of an explicit package.json', async () => {
    const cwd = await freshDir({ 'package.json': { name: 'app', visor: { port: 7005 } } });
    assert.equal((await loadConfig({ cwd, configPath: 'package.json', env: {} })).port, 7005);
  });

  it('fails with a ConfigError naming a missing configPath', async () => {
    const cwd = await freshDir();
    await assert.rejects(loadConfig({ cwd, configPath: 'nope.yaml', env: {} }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.message, `configuration: config file '${join(cwd, 'nope.yaml')}' does not exist`);
      return true;
    });
  });

  it('fails with a ConfigError keyed VISOR_CONFIG when that file is missing', async () => {
    const cwd = await freshDir();
    await assert.rejects(loadConfig({ cwd, env: { VISOR_CONFIG: 'gone.json' } }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.key, 'VISOR_CONFIG');
      assert.ok(error.message.includes(join(cwd, 'gone.json')));
      return true;
    });
  });

  it('takes an explicit empty file for all defaults', async () => {
    const cwd = await freshDir({ 'empty.yaml': '# nothing set yet\n' });
    const config = await loadConfig({ cwd, configPath: 'empty.yaml', env: {} });
    assert.equal(config.port, 4568);
    assert.equal(config.configFile, join(cwd, 'empty.yaml'));
  });
});

describe('loadConfig environment', () => {
  it('reads process.env when no env is given', async () => {
    const cwd = await freshDir({ '.visorrc.json': { port: 1 } });
    const saved = process.env.VISOR_PORT;
    process.env.VISOR_PORT = '7100';
    try {
      assert.equal((await loadConfig({ cwd })).port, 7100);
      assert.equal((await loadConfig({ cwd, env: {} })).port, 1);
    } finally {
      if (saved === undefined) delete process.env.VISOR_PORT;
      else process.env.VISOR_PORT = saved;
    }
  });

  it('lets environment variables win over the file', async () => {
    const cwd = await freshDir({ '.visorrc.json': { port: 1, host: 'file-host' } });
    const config = await loadConfig({ cwd, env: { VISOR_PORT: '7200' } });
    assert.equal(config.port, 7200);
    assert.equal(config.host, 'file-host');
  });
});
