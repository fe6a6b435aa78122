import { ConfigError, rejectUnknownKeys } from '@visor/plugin-api';

const KNOWN_OPTIONS = ['anonymousRead', 'env', 'keyCacheMs'] as const;

/** The plugin's options (the `options` of its `plugins` entry). */
export interface AuthOptions {
  /** Unauthenticated GET/HEAD of public images (principal null); default false. */
  anonymousRead: boolean;
  /** Where VISOR_ADMIN_ACCESS_KEY / VISOR_ADMIN_SECRET_KEY are read; process.env unless given (tests). */
  env: Record<string, string | undefined>;
  /**
   * Milliseconds a verified key (user, role, secret) is reused without reading the database; default 1000,
   * 0 turns the cache off. Also the longest time a change made by another instance takes to reach this one.
   */
  keyCacheMs: number;
}

/**
 * Validates the options; an unknown key (named with the nearest known one) or a wrong value stops Visor from starting with a
 * ConfigError naming it (`optionsKey`: where the options sit in the configuration).
 */
export function resolveOptions(options: Record<string, unknown> = {}, optionsKey = 'options'): AuthOptions {
  rejectUnknownKeys(options, optionsKey, KNOWN_OPTIONS, 'plugin auth');
  const anonymousRead = options.anonymousRead ?? false;
  if (typeof anonymousRead !== 'boolean') {
    throw new ConfigError(`${optionsKey}.anonymousRead`, `auth option 'anonymousRead' must be true or false; got ${JSON.stringify(anonymousRead)}`);
  }
  const env = options.env ?? process.env;
  if (typeof env !== 'object' || env === null) {
    throw new ConfigError(`${optionsKey}.env`, "auth option 'env' must be an object of environment variables");
  }
  const keyCacheMs = options.keyCacheMs ?? 1000;
  if (typeof keyCacheMs !== 'number' || !Number.isInteger(keyCacheMs) || keyCacheMs < 0 || keyCacheMs > 60_000) {
    throw new ConfigError(`${optionsKey}.keyCacheMs`, `auth option 'keyCacheMs' must be a whole number of milliseconds from 0 to 60000; got ${JSON.stringify(keyCacheMs)}`);
  }
  return { anonymousRead, env: env as Record<string, string | undefined>, keyCacheMs };
}
