import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveConfig } from '../src/config/index.js';
import { ConfigError } from '@visor/plugin-api';

const options = { baseDir: '/srv/visor/etc', cwd: '/srv/visor' };
const file = {
  host: 'file-host',
  port: 1111,
  publicUrl: 'https://file.example.com',
  dataDir: '/file/data',
  logLevel: 'warn',
  database: { client: 'pg', connection: 'postgres://file/db', pool: { min: 1, max: 4 } },
};

function withEnv(env: Record<string, string | undefined>, input: unknown = file) {
  return resolveConfig(input, { ...options, env });
}

function assertEnvError(env: Record<string, string>, key: string, message: RegExp): void {
  assert.throws(
    () => withEnv(env),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.key, key);
      assert.match(error.message, message);
      return true;
    },
  );
}

describe('environment overrides', () => {
  it('win over the file', () => {
    const config = withEnv({
      VISOR_HOST: '0.0.0.0',
      VISOR_PORT: '8080',
      VISOR_PUBLIC_URL: 'https://env.example.com/',
      VISOR_DATA_DIR: '/env/data',
      VISOR_LOG_LEVEL: 'debug',
    });
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.port, 8080);
    assert.equal(config.publicUrl, 'https://env.example.com');
    assert.equal(config.dataDir, '/env/data');
    assert.equal(config.logLevel, 'debug');
  });

  it('leave the file settings alone when unset or empty', () => {
    const config = withEnv({ VISOR_HOST: '', VISOR_PORT: '', VISOR_DATABASE_URL: '', OTHER: 'x' });
    assert.equal(config.host, 'file-host');
    assert.equal(config.port, 1111);
    assert.equal(config.database.client, 'pg');
  });

  it('are ignored by resolveConfig unless passed', () => {
    const saved = process.env.VISOR_PORT;
    process.env.VISOR_PORT = '9999';
    try {
      assert.equal(resolveConfig({}, options).port, 4568);
    } finally {
      if (saved === undefined) delete process.env.VISOR_PORT;
      else process.env.VISOR_PORT = saved;
    }
  });

  it('resolve a relative VISOR_DATA_DIR against the working directory', () => {
    assert.equal(withEnv({ VISOR_DATA_DIR: 'var' }).dataDir, '/srv/visor/var');
  });

  it('move a relative SQLite file along with VISOR_DATA_DIR', () => {
    const input = { dataDir: 'data', database: { client: 'sqlite3', filename: 'meta.db' } };
    assert.deepEqual(withEnv({ VISOR_DATA_DIR: '/env/data' }, input).database, { client: 'sqlite3', filename: '/env/data/meta.db', acquireTimeoutSeconds: 10 });
    assert.deepEqual(withEnv({ VISOR_DATA_DIR: '/env/data' }, {}).database, { client: 'sqlite3', filename: '/env/data/visor.sqlite', acquireTimeoutSeconds: 10 });
  });

  it('take a postgres VISOR_DATABASE_URL, keeping the pool from the file', () => {
    assert.deepEqual(withEnv({ VISOR_DATABASE_URL: 'postgresql://env/db' }).database, {
      client: 'pg',
      connection: 'postgresql://env/db',
      pool: { min: 1, max: 4 },
      acquireTimeoutSeconds: 10,
    });
  });

  it('switch to SQLite with VISOR_DATABASE_URL=sqlite:PATH or a plain path', () => {
    assert.deepEqual(withEnv({ VISOR_DATABASE_URL: 'sqlite:meta.db' }).database, { client: 'sqlite3', filename: '/file/data/meta.db', acquireTimeoutSeconds: 10 });
    assert.deepEqual(withEnv({ VISOR_DATABASE_URL: '/abs/v.sqlite' }).database, { client: 'sqlite3', filename: '/abs/v.sqlite', acquireTimeoutSeconds: 10 });
  });

  it('switch a SQLite file config to postgres with VISOR_DATABASE_URL', () => {
    const config = withEnv({ VISOR_DATABASE_URL: 'postgres://env/db' }, { database: 'local.sqlite' });
    assert.deepEqual(config.database, { client: 'pg', connection: 'postgres://env/db', pool: { min: 0, max: 10 }, acquireTimeoutSeconds: 10 });
  });

  for (const port of ['65536', 'abc', '-1', '80.5', '0x50', '8080 9090']) {
    it(`reject VISOR_PORT=${port} naming the variable`, () => {
      assertEnvError({ VISOR_PORT: port }, 'VISOR_PORT', /must be an integer from 0 to 65535/);
    });
  }

  it('accept VISOR_PORT=0', () => {
    assert.equal(withEnv({ VISOR_PORT: '0' }).port, 0);
  });

  it('reject bad values naming the variable', () => {
    assertEnvError({ VISOR_LOG_LEVEL: 'loud' }, 'VISOR_LOG_LEVEL', /must be one of/);
    assertEnvError({ VISOR_PUBLIC_URL: 'not a url' }, 'VISOR_PUBLIC_URL', /absolute http/);
    assertEnvError({ VISOR_DATABASE_URL: 'mysql://db/v' }, 'VISOR_DATABASE_URL', /postgres:\/\//);
  });

  it('do not excuse an invalid file setting they override', () => {
    assert.throws(() => withEnv({ VISOR_PORT: '8080' }, { port: 'eighty' }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.key, 'port');
      return true;
    });
  });
});
