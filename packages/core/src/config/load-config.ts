import { dirname, resolve } from 'node:path';
import type { Environment } from './env-overrides.js';
import { readConfigFile, searchConfigFile, type ConfigFile } from './find-config-file.js';
import { resolveConfig } from './resolve-config.js';
import type { VisorConfig } from './types.js';

export interface LoadConfigOptions {
  /** A file to load instead of searching (the CLI's `--config FILE`); relative to `cwd`. Wins over VISOR_CONFIG. */
  configPath?: string;
  /** Where the search starts; defaults to `process.cwd()`. */
  cwd?: string;
  /** Defaults to `process.env`. */
  env?: Environment;
}

async function findConfig(cwd: string, configPath: string | undefined, env: Environment): Promise<ConfigFile | null> {
  if (configPath !== undefined) return readConfigFile(configPath, cwd);
  const fromEnv = env.VISOR_CONFIG;
  if (fromEnv !== undefined && fromEnv !== '') return readConfigFile(fromEnv, cwd, 'VISOR_CONFIG');
  return searchConfigFile(cwd);
}

/**
 * Reads Visor's configuration: the file named by `configPath` or VISOR_CONFIG,
 * else the first of CONFIG_SEARCH_PLACES found from `cwd` up to the project
 * root. No file (or an empty one) means all defaults. Then validates it and
 * applies VISOR_* environment overrides (see resolveConfig).
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<VisorConfig> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  const file = await findConfig(cwd, options.configPath, env);
  return resolveConfig(file?.config, {
    baseDir: file ? dirname(file.filepath) : cwd,
    cwd,
    env,
    configFile: file?.filepath ?? null,
  });
}
