import { isAbsolute, resolve } from 'node:path';
import { childKey, ConfigError, expectInteger, expectNumber, expectObject, expectOneOf, expectString, fail, isPlainObject } from '@visor/plugin-api';
import { CONFIG_DEFAULTS } from './defaults.js';
import type { DatabaseConfig } from './types.js';

const CLIENTS = ['sqlite3', 'pg'] as const;
const SQLITE_KEYS = ['client', 'filename', 'acquireTimeoutSeconds'];
const PG_KEYS = ['client', 'connection', 'pool', 'acquireTimeoutSeconds'];
/** Bounds of database.acquireTimeoutSeconds: at least a few queries' time, at most an hour. */
const ACQUIRE_TIMEOUT_SECONDS = { min: 0.01, max: 3600 };
const IN_MEMORY = ':memory:';

function sqlite(filename: string, dataDir: string, acquireTimeoutSeconds: number = CONFIG_DEFAULTS.databaseAcquireTimeoutSeconds): DatabaseConfig {
  return { client: 'sqlite3', filename: filename === IN_MEMORY ? filename : resolve(dataDir, filename), acquireTimeoutSeconds };
}

function acquireTimeout(value: unknown, key: string): number {
  if (value === undefined) return CONFIG_DEFAULTS.databaseAcquireTimeoutSeconds;
  return expectNumber(value, key, ACQUIRE_TIMEOUT_SECONDS.min, ACQUIRE_TIMEOUT_SECONDS.max);
}

function defaultPool(): { min: number; max: number } {
  return { ...CONFIG_DEFAULTS.pgPool };
}

function resolvePool(value: unknown, key: string): { min: number; max: number } {
  if (value === undefined) return defaultPool();
  const raw = expectObject(value, key, ['min', 'max']);
  const min = raw.min === undefined ? CONFIG_DEFAULTS.pgPool.min : expectInteger(raw.min, `${key}.min`, 0);
  const max = raw.max === undefined ? Math.max(min, CONFIG_DEFAULTS.pgPool.max) : expectInteger(raw.max, `${key}.max`, 1);
  if (min > max) throw new ConfigError(`${key}.min`, `must not exceed ${key}.max (${min} > ${max})`);
  return { min, max };
}

/**
 * A database given as one string: a `postgres://` or `postgresql://` URL
 * selects PostgreSQL; `sqlite:PATH` (or `sqlite://PATH`) or a plain path selects SQLite.
 */
export function parseDatabaseUrl(url: string, key: string, dataDir: string): DatabaseConfig {
  if (url.trim() === '') fail(key, 'must be a database URL or a SQLite file path', url);
  if (/^postgres(?:ql)?:\/\//i.test(url)) {
    return { client: 'pg', connection: url, pool: defaultPool(), acquireTimeoutSeconds: CONFIG_DEFAULTS.databaseAcquireTimeoutSeconds };
  }
  const sqlitePath = /^sqlite:(?:\/\/)?(.*)$/i.exec(url);
  if (sqlitePath) {
    if (sqlitePath[1] === '' || sqlitePath[1] === undefined) fail(key, "'sqlite:' must be followed by a file path", url);
    return sqlite(sqlitePath[1], dataDir);
  }
  // Any other scheme (mysql://...) is a mistake, not a file name; Windows drive letters have no '//'.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !isAbsolute(url)) {
    fail(key, "must be a postgres:// or postgresql:// URL, 'sqlite:PATH' or a SQLite file path", url);
  }
  return sqlite(url, dataDir);
}

/**
 * The `database` section: absent (SQLite at <dataDir>/visor.sqlite), a URL
 * string (see parseDatabaseUrl), or an object with `client` 'sqlite3' or 'pg'.
 * A relative SQLite filename resolves against `dataDir`.
 */
export function resolveDatabase(value: unknown, key: string, dataDir: string): DatabaseConfig {
  if (value === undefined) return sqlite(CONFIG_DEFAULTS.sqliteFilename, dataDir);
  if (typeof value === 'string') return parseDatabaseUrl(value, key, dataDir);
  if (!isPlainObject(value)) fail(key, 'must be a database URL string or an object with a client', value);
  if (value.client === undefined) throw new ConfigError(childKey(key, 'client'), "is required: 'sqlite3' or 'pg'");
  const client = expectOneOf(value.client, childKey(key, 'client'), CLIENTS);

  if (client === 'sqlite3') {
    const raw = expectObject(value, key, SQLITE_KEYS);
    const filename = raw.filename === undefined ? CONFIG_DEFAULTS.sqliteFilename : expectString(raw.filename, `${key}.filename`);
    return sqlite(filename, dataDir, acquireTimeout(raw.acquireTimeoutSeconds, `${key}.acquireTimeoutSeconds`));
  }
  const raw = expectObject(value, key, PG_KEYS);
  const connectionKey = `${key}.connection`;
  if (raw.connection === undefined) throw new ConfigError(connectionKey, 'is required for pg: a postgres:// URL or a connection object');
  const connection = raw.connection;
  if (!isPlainObject(connection) && (typeof connection !== 'string' || connection.trim() === '')) {
    fail(connectionKey, 'must be a postgres:// URL or a connection object', connection);
  }
  return {
    client: 'pg',
    connection: typeof connection === 'string' ? connection : { ...connection },
    pool: resolvePool(raw.pool, `${key}.pool`),
    acquireTimeoutSeconds: acquireTimeout(raw.acquireTimeoutSeconds, `${key}.acquireTimeoutSeconds`),
  };
}
