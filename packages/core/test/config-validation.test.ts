import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CONFIG_DEFAULTS, resolveConfig } from '../src/config/index.js';
import { ConfigError } from '@visor/plugin-api';

const baseDir = '/srv/visor/etc';
const cwd = '/srv/visor';
const resolve = (input: unknown) => resolveConfig(input, { baseDir, cwd });

const backendPlugin = { kind: 'backend', type: 'memory', create: () => ({}) };
const encoderPlugin = { kind: 'encoder', name: 'csv', mediaTypes: ['text/csv'], encode: () => '', decode: () => ({}) };
const extensionPlugin = { kind: 'extension', name: 'audit', apply: () => undefined };

function assertConfigError(input: unknown, key: string | undefined, message: RegExp): void {
  assert.throws(
    () => resolve(input),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
      assert.equal(error.key, key);
      assert.match(error.message, message);
      return true;
    },
  );
}

describe('resolveConfig defaults', () => {
  it('takes undefined, null and {} for all defaults', () => {
    const expected = resolve({});
    assert.deepEqual(resolve(undefined), expected);
    assert.deepEqual(resolve(null), expected);
    assert.equal(expected.dataDir, join(cwd, 'visor-data'), 'the default dataDir is relative to cwd, not baseDir');
    assert.equal(expected.baseDir, baseDir);
  });

  it('keeps CONFIG_DEFAULTS frozen', () => {
    assert.ok(Object.isFrozen(CONFIG_DEFAULTS));
    assert.ok(Object.isFrozen(CONFIG_DEFAULTS.stores.default.options));
    assert.equal(CONFIG_DEFAULTS.port, 4568);
  });

  it('returns stores without a prototype, so unconfigured names are absent', () => {
    const config = resolve({});
    assert.equal(config.stores.toString, undefined);
    assert.equal(Object.getPrototypeOf(config.stores), null);
  });

  it('resolves baseDir and configFile against cwd', () => {
    const config = resolveConfig({}, { baseDir: 'etc', cwd, configFile: 'etc/visor.yaml' });
    assert.equal(config.baseDir, join(cwd, 'etc'));
    assert.equal(config.configFile, join(cwd, 'etc/visor.yaml'));
  });
});

describe('resolveConfig unknown keys', () => {
  const cases: Array<[string, unknown, string, RegExp]> = [
    ['at the top level', { prot: 1 }, 'prot', /allowed here: host, port, publicUrl, dataDir, logLevel, database/],
    ['in database', { database: { client: 'sqlite3', file: 'x.db' } }, 'database.file', /allowed here: client, filename/],
    ['in a pg database', { database: { client: 'pg', connection: 'postgres://h/d', filename: 'x' } }, 'database.filename', /allowed here: client, connection, pool/],
    ['in database.pool', { database: { client: 'pg', connection: 'postgres://h/d', pool: { size: 3 } } }, 'database.pool.size', /allowed here: min, max/],
    ['in limits', { limits: { maxImageSize: 5 } }, 'limits.maxImageSize', /allowed here: metadataBodyBytes, maxImageBytes/],
    ['in a store', { stores: { archive: { bakend: 'fs' } } }, 'stores.archive.bakend', /allowed here: backend, options/],
    ['in a plugin entry', { plugins: [{ name: 'x', option: {} }] }, 'plugins[0].option', /allowed here: name, options/],
  ];
  for (const [where, input, key, message] of cases) {
    it(`names the dotted key ${where}`, () => {
      assertConfigError(input, key, /unknown setting/);
      assertConfigError(input, key, message);
    });
  }
});

describe('resolveConfig wrong values', () => {
  const cases: Array<[unknown, string | undefined, RegExp]> = [
    [[], undefined, /^configuration: must be an object \(found an array\)$/],
    ['port: 1', undefined, /must be an object/],
    [{ host: 5 }, 'host', /must be a non-empty string \(found 5\)/],
    [{ host: '' }, 'host', /must be a non-empty string/],
    [{ port: 65536 }, 'port', /^configuration 'port': must be an integer from 0 to 65535 \(found 65536\)$/],
    [{ port: -1 }, 'port', /from 0 to 65535/],
    [{ port: 80.5 }, 'port', /from 0 to 65535/],
    [{ port: '4568' }, 'port', /found "4568"/],
    [{ logLevel: 'loud' }, 'logLevel', /must be one of 'debug', 'info', 'warn', 'error', 'silent'/],
    [{ publicUrl: 'ftp://images.example.com' }, 'publicUrl', /absolute http:\/\/ or https:\/\/ URL/],
    [{ publicUrl: 'images.example.com' }, 'publicUrl', /absolute http/],
    [{ publicUrl: 'https://images.example.com/?a=1' }, 'publicUrl', /without query/],
    [{ publicUrl: 'https://user:pw@images.example.com' }, 'publicUrl', /credentials/],
    [{ dataDir: '' }, 'dataDir', /non-empty string/],
    [{ dataDir: ['a'] }, 'dataDir', /found an array/],
    [{ database: 5 }, 'database', /database URL string or an object/],
    [{ database: {} }, 'database.client', /is required: 'sqlite3' or 'pg'/],
    [{ database: { client: 'mysql' } }, 'database.client', /must be one of 'sqlite3', 'pg' \(found "mysql"\)/],
    [{ database: 'mysql://db/visor' }, 'database', /postgres:\/\/ or postgresql:\/\/ URL, 'sqlite:PATH'/],
    [{ database: 'sqlite:' }, 'database', /must be followed by a file path/],
    [{ database: { client: 'sqlite3', filename: 3 } }, 'database.filename', /non-empty string/],
    [{ database: { client: 'pg' } }, 'database.connection', /is required for pg/],
    [{ database: { client: 'pg', connection: 7 } }, 'database.connection', /postgres:\/\/ URL or a connection object/],
    [{ database: { client: 'pg', connection: 'postgres://h/d', pool: { min: 5, max: 2 } } }, 'database.pool.min', /must not exceed database.pool.max/],
    [{ database: { client: 'pg', connection: 'postgres://h/d', pool: { max: 0 } } }, 'database.pool.max', /at least 1/],
    [{ stores: [] }, 'stores', /must be an object mapping store names/],
    [{ stores: {} }, 'stores', /at least one store/],
    [{ stores: { Archive: { backend: 'fs' } } }, 'stores.Archive', /bad store name/],
    [{ stores: { '9lives': { backend: 'fs' } } }, 'stores.9lives', /bad store name/],
    [{ stores: { ['a'.repeat(65)]: { backend: 'fs' } } }, `stores.${'a'.repeat(65)}`, /bad store name/],
    [{ stores: { archive: 'fs' } }, 'stores.archive', /must be an object/],
    [{ stores: { archive: {} } }, 'stores.archive.backend', /is required/],
    [{ stores: { archive: { backend: '' } } }, 'stores.archive.backend', /non-empty string/],
    [{ stores: { archive: { backend: 42 } } }, 'stores.archive.backend', /backend name such as 'fs', or a BackendPlugin object \(found 42\)/],
    [{ stores: { archive: { backend: { type: 'mem' } } } }, 'stores.archive.backend', /kind must be 'backend' \(missing\); create must be a function/],
    [{ stores: { archive: { backend: 'fs', options: 'root=/x' } } }, 'stores.archive.options', /must be an object of options/],
    [{ stores: { a: { backend: 'fs' } }, defaultStore: 'b' }, 'defaultStore', /names no configured store: 'b' \(configured: a\)/],
    [{ stores: { a: { backend: 'fs' }, b: { backend: 'fs' } } }, 'defaultStore', /is required when there are several stores.*\(configured: a, b\)/],
    [{ defaultStore: 7 }, 'defaultStore', /non-empty string/],
    [{ encoders: 'json' }, 'encoders', /must be a list/],
    [{ encoders: [] }, 'encoders', /at least one encoder/],
    [{ encoders: ['json', 5] }, 'encoders[1]', /encoder name such as 'json'/],
    [{ encoders: ['json', 'xml', 'json'] }, 'encoders[2]', /'json' is listed twice/],
    [{ encoders: [{ ...encoderPlugin, mediaTypes: [] }] }, 'encoders[0]', /mediaTypes must be a non-empty array/],
    [{ plugins: 'tracking' }, 'plugins', /must be a list/],
    [{ plugins: [3] }, 'plugins[0]', /plugin name, \{ name, options \}/],
    [{ plugins: [{}] }, 'plugins[0].name', /is required/],
    [{ plugins: [{ name: 'x', options: [] }] }, 'plugins[0].options', /must be an object of options/],
    [{ plugins: [{ kind: 'extension', name: 'half' }] }, 'plugins[0]', /apply must be a function/],
    [{ plugins: [{ name: { kind: 'extension' }, options: {} }] }, 'plugins[0].name', /name must be a non-empty string; apply must be a function/],
    [{ limits: { metadataBodyBytes: 0 } }, 'limits.metadataBodyBytes', /integer of at least 1/],
    [{ limits: { maxImageBytes: '1G' } }, 'limits.maxImageBytes', /integer of at least 1 \(found "1G"\)/],
    [{ limits: { idleTimeoutSeconds: 0 } }, 'limits.idleTimeoutSeconds', /number from 0.1 to 86400/],
    [{ limits: { idleTimeoutSeconds: 3e6 } }, 'limits.idleTimeoutSeconds', /number from 0.1 to 86400/],
    [{ heartbeatSeconds: '10s' }, 'heartbeatSeconds', /number from 0.05 to 3600/],
    [{ heartbeatSeconds: Infinity }, 'heartbeatSeconds', /number from 0.05 to 3600/],
    [{ limits: null }, 'limits', /must be an object/],
  ];
  for (const [input, key, message] of cases) {
    it(`rejects ${JSON.stringify(input).slice(0, 90)}`, () => assertConfigError(input, key, message));
  }
});

describe('resolveConfig accepted values', () => {
  it('accepts the port range ends', () => {
    assert.equal(resolve({ port: 0 }).port, 0);
    assert.equal(resolve({ port: 65535 }).port, 65535);
  });

  it('normalises publicUrl, keeping a path', () => {
    assert.equal(resolve({ publicUrl: 'https://Images.Example.com/' }).publicUrl, 'https://images.example.com');
    assert.equal(resolve({ publicUrl: 'http://proxy:8080/visor//' }).publicUrl, 'http://proxy:8080/visor');
    assert.equal(resolve({ publicUrl: null }).publicUrl, null);
  });

  it('resolves a relative dataDir against baseDir and keeps an absolute one', () => {
    assert.equal(resolve({ dataDir: '../data' }).dataDir, '/srv/visor/data');
    assert.equal(resolve({ dataDir: '/var/lib/visor' }).dataDir, '/var/lib/visor');
  });

  it('puts the default SQLite database in dataDir', () => {
    assert.deepEqual(resolve({ dataDir: '/var/lib/visor' }).database, { client: 'sqlite3', filename: '/var/lib/visor/visor.sqlite', acquireTimeoutSeconds: 10 });
  });

  it('resolves a relative SQLite filename against dataDir', () => {
    const config = resolve({ dataDir: '/var/lib/visor', database: { client: 'sqlite3', filename: 'meta/v.db' } });
    assert.deepEqual(config.database, { client: 'sqlite3', filename: '/var/lib/visor/meta/v.db', acquireTimeoutSeconds: 10 });
  });

  it('keeps an absolute SQLite filename and :memory:', () => {
    assert.deepEqual(resolve({ database: { client: 'sqlite3', filename: '/db/v.db' } }).database, { client: 'sqlite3', filename: '/db/v.db', acquireTimeoutSeconds: 10 });
    assert.deepEqual(resolve({ database: { client: 'sqlite3', filename: ':memory:' } }).database, { client: 'sqlite3', filename: ':memory:', acquireTimeoutSeconds: 10 });
  });

  const urls: Array<[string, unknown]> = [
    ['postgres://visor:pw@db:5432/visor', { client: 'pg', connection: 'postgres://visor:pw@db:5432/visor', pool: { min: 0, max: 10 }, acquireTimeoutSeconds: 10 }],
    ['postgresql://db/visor', { client: 'pg', connection: 'postgresql://db/visor', pool: { min: 0, max: 10 }, acquireTimeoutSeconds: 10 }],
    ['sqlite:meta.db', { client: 'sqlite3', filename: '/data/meta.db', acquireTimeoutSeconds: 10 }],
    ['sqlite:///abs/meta.db', { client: 'sqlite3', filename: '/abs/meta.db', acquireTimeoutSeconds: 10 }],
    ['local.sqlite', { client: 'sqlite3', filename: '/data/local.sqlite', acquireTimeoutSeconds: 10 }],
    ['/abs/plain.sqlite', { client: 'sqlite3', filename: '/abs/plain.sqlite', acquireTimeoutSeconds: 10 }],
  ];
  for (const [url, expected] of urls) {
    it(`reads the database URL ${url}`, () => {
      assert.deepEqual(resolve({ dataDir: '/data', database: url }).database, expected);
    });
  }

  it('reads a pg database with a connection object and a pool', () => {
    const connection = { host: 'db', user: 'visor', database: 'visor' };
    const config = resolve({ database: { client: 'pg', connection, pool: { min: 2 } } });
    assert.deepEqual(config.database, { client: 'pg', connection, pool: { min: 2, max: 10 }, acquireTimeoutSeconds: 10 });
  });

  it('keeps an inline backend plugin and takes its type as the backend', () => {
    const config = resolve({ stores: { mem: { backend: backendPlugin, options: { size: 1 } } } });
    assert.equal(config.stores.mem!.backend, 'memory');
    assert.equal(config.stores.mem!.plugin, backendPlugin);
    assert.deepEqual(config.stores.mem!.options, { size: 1 });
    assert.equal(config.defaultStore, 'mem');
  });

  it("picks 'default' among several stores, or the one named by defaultStore", () => {
    const stores = { archive: { backend: 'fs' }, default: { backend: 'fs' } };
    assert.equal(resolve({ stores }).defaultStore, 'default');
    assert.equal(resolve({ stores, defaultStore: 'archive' }).defaultStore, 'archive');
  });

  it('copies store options rather than sharing the input object', () => {
    const options = { root: '/images' };
    const config = resolve({ stores: { default: { backend: 'fs', options } } });
    assert.deepEqual(config.stores.default!.options, options);
    assert.notEqual(config.stores.default!.options, options);
  });

  it('accepts encoder names and inline encoder plugins', () => {
    const config = resolve({ encoders: ['json', encoderPlugin] });
    assert.deepEqual(config.encoders, [{ name: 'json' }, { name: 'csv', plugin: encoderPlugin }]);
  });

  it('accepts every plugin entry form', () => {
    const config = resolve({
      plugins: ['tracking', { name: '@acme/visor-quota', options: { max: 3 } }, extensionPlugin, { name: extensionPlugin, options: { verbose: true } }],
    });
    assert.deepEqual(config.plugins, [
      { name: 'tracking', options: {} },
      { name: '@acme/visor-quota', options: { max: 3 } },
      { name: 'audit', plugin: extensionPlugin, options: {} },
      { name: 'audit', plugin: extensionPlugin, options: { verbose: true } },
    ]);
  });

  it('reads limits, with null meaning unlimited', () => {
    assert.deepEqual(resolve({ limits: { metadataBodyBytes: 4096, maxImageBytes: 10, idleTimeoutSeconds: 2.5 } }).limits, {
      metadataBodyBytes: 4096,
      maxImageBytes: 10,
      idleTimeoutSeconds: 2.5,
    });
    assert.deepEqual(resolve({ limits: { maxImageBytes: null } }).limits, { metadataBodyBytes: 1048576, maxImageBytes: null, idleTimeoutSeconds: 120 });
  });

  it('reads heartbeatSeconds (fractions allowed)', () => {
    assert.equal(resolve({}).heartbeatSeconds, 10);
    assert.equal(resolve({ heartbeatSeconds: 0.5 }).heartbeatSeconds, 0.5);
  });
});
