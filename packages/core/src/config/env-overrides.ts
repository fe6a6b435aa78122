import { resolve } from 'node:path';
import type { LogLevel } from '../util/logger.js';
import { parseHost, parseLogLevel, parsePortText, parsePublicUrl, parseSecondsText } from './server-settings.js';

export type Environment = Record<string, string | undefined>;

/** The environment variables that override the configuration file; each error names the variable. */
export interface EnvOverrides {
  host?: string;
  port?: number;
  /** Absolute (a relative VISOR_DATA_DIR resolves against the working directory). */
  dataDir?: string;
  publicUrl?: string;
  logLevel?: LogLevel;
  /** Parsed later, once dataDir is known. */
  databaseUrl?: string;
  shutdownGraceSeconds?: number;
}

/** Empty variables count as unset, so `VISOR_PORT=` in a compose file changes nothing. */
function read(env: Environment, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

export function readEnvOverrides(env: Environment, cwd: string): EnvOverrides {
  const overrides: EnvOverrides = {};
  const host = read(env, 'VISOR_HOST');
  if (host !== undefined) overrides.host = parseHost(host, 'VISOR_HOST');
  const port = read(env, 'VISOR_PORT');
  if (port !== undefined) overrides.port = parsePortText(port, 'VISOR_PORT');
  const dataDir = read(env, 'VISOR_DATA_DIR');
  if (dataDir !== undefined) overrides.dataDir = resolve(cwd, dataDir);
  const publicUrl = read(env, 'VISOR_PUBLIC_URL');
  if (publicUrl !== undefined) overrides.publicUrl = parsePublicUrl(publicUrl, 'VISOR_PUBLIC_URL');
  const logLevel = read(env, 'VISOR_LOG_LEVEL');
  if (logLevel !== undefined) overrides.logLevel = parseLogLevel(logLevel, 'VISOR_LOG_LEVEL');
  const databaseUrl = read(env, 'VISOR_DATABASE_URL');
  if (databaseUrl !== undefined) overrides.databaseUrl = databaseUrl;
  const grace = read(env, 'VISOR_SHUTDOWN_GRACE_SECONDS');
  if (grace !== undefined) overrides.shutdownGraceSeconds = parseSecondsText(grace, 'VISOR_SHUTDOWN_GRACE_SECONDS', 0, 86_400);
  return overrides;
}
