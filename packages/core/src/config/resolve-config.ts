import { resolve } from 'node:path';
import { CONFIG_DEFAULTS } from './defaults.js';
import { readEnvOverrides, type Environment } from './env-overrides.js';
import { parseDatabaseUrl, resolveDatabase } from './resolve-database.js';
import { resolveEncoders } from './resolve-encoders.js';
import { resolveExtensions } from './resolve-extensions.js';
import { resolveLimits } from './resolve-limits.js';
import { resolveMetrics } from './resolve-metrics.js';
import { resolveDefaultStore, resolveStores } from './resolve-stores.js';
import { parseHost, parseLogLevel, parsePort, parsePublicUrl } from './server-settings.js';
import type { DatabaseConfig, VisorConfig } from './types.js';
import { expectNumber, expectObject, expectString, type RawObject } from '@visor/plugin-api';

export const CONFIG_KEYS = [
  'host',
  'port',
  'publicUrl',
  'dataDir',
  'logLevel',
  'database',
  'stores',
  'defaultStore',
  'encoders',
  'plugins',
  'limits',
  'heartbeatSeconds',
  // Read by the `visor` command line (@visor/cli: url, accessKey, secretKey), ignored by the server.
  'client',
  'metrics',
  'shutdownGraceSeconds',
] as const;

export interface ResolveConfigOptions {
  /** Relative paths in the configuration (dataDir, plugin paths) resolve against it: the config file's directory. */
  baseDir: string;
  /** Defaults to `process.cwd()`; the default dataDir and relative environment paths resolve against it. */
  cwd?: string;
  /** Environment overrides; defaults to none, so embedding Visor reads no environment unless asked. */
  env?: Environment;
  /** Recorded as `configFile`. */
  configFile?: string | null;
}

function setting<T>(raw: RawObject, key: string, parse: (value: unknown, key: string) => T, fallback: T): T {
  return raw[key] === undefined ? fallback : parse(raw[key], key);
}

function overrideDatabase(fromFile: DatabaseConfig, url: string, dataDir: string): DatabaseConfig {
  const fromEnv = parseDatabaseUrl(url, 'VISOR_DATABASE_URL', dataDir);
  // The URL replaces the connection; a pool tuned in the file, and its acquire timeout, still apply.
  const acquireTimeoutSeconds = fromFile.acquireTimeoutSeconds;
  if (fromEnv.client === 'pg' && fromFile.client === 'pg') return { ...fromEnv, pool: fromFile.pool, acquireTimeoutSeconds };
  return { ...fromEnv, acquireTimeoutSeconds };
}

/**
 * Validates a raw configuration object (as read from a file, or built by an
 * embedding program) and applies defaults and environment overrides. Throws
 * ConfigError naming the dotted key (or environment variable) of the first
 * problem; unknown keys are errors at every level. `null`/`undefined` input
 * means all defaults.
 */
export function resolveConfig(input: unknown, options: ResolveConfigOptions): VisorConfig {
  const cwd = resolve(options.cwd ?? process.cwd());
  const baseDir = resolve(cwd, options.baseDir);
  const raw = input === undefined || input === null ? {} : expectObject(input, undefined, CONFIG_KEYS);
  const env = readEnvOverrides(options.env ?? {}, cwd);

  // A dataDir written in the file is relative to the file; the default one to the working directory.
  const fileDataDir =
    raw.dataDir === undefined ? resolve(cwd, CONFIG_DEFAULTS.dataDir) : resolve(baseDir, expectString(raw.dataDir, 'dataDir'));
  const dataDir = env.dataDir ?? fileDataDir;
  const fileDatabase = resolveDatabase(raw.database, 'database', dataDir);
  const stores = resolveStores(raw.stores);

  // File settings are validated even when the environment overrides them: a typo should not lie in wait.
  const host = setting(raw, 'host', parseHost, CONFIG_DEFAULTS.host);
  const port = setting(raw, 'port', parsePort, CONFIG_DEFAULTS.port);
  const publicUrl = raw.publicUrl === null ? null : setting(raw, 'publicUrl', parsePublicUrl, CONFIG_DEFAULTS.publicUrl);
  const logLevel = setting(raw, 'logLevel', parseLogLevel, CONFIG_DEFAULTS.logLevel);

  return {
    host: env.host ?? host,
    port: env.port ?? port,
    publicUrl: env.publicUrl ?? publicUrl,
    dataDir,
    baseDir,
    configFile: options.configFile == null ? null : resolve(cwd, options.configFile),
    logLevel: env.logLevel ?? logLevel,
    database: env.databaseUrl === undefined ? fileDatabase : overrideDatabase(fileDatabase, env.databaseUrl, dataDir),
    stores,
    defaultStore: resolveDefaultStore(raw.defaultStore, stores),
    encoders: resolveEncoders(raw.encoders),
    plugins: resolveExtensions(raw.plugins),
    limits: resolveLimits(raw.limits),
    heartbeatSeconds: raw.heartbeatSeconds === undefined ? CONFIG_DEFAULTS.heartbeatSeconds : expectNumber(raw.heartbeatSeconds, 'heartbeatSeconds', 0.05, 3600),
    metrics: resolveMetrics(raw.metrics),
    shutdownGraceSeconds: env.shutdownGraceSeconds ?? setting(raw, 'shutdownGraceSeconds', (v, k) => expectNumber(v, k, 0, 86_400), CONFIG_DEFAULTS.shutdownGraceSeconds),
  };
}
