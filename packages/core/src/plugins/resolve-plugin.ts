import type { Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError, PluginError, PluginNotFoundError, type PluginKind } from '@visor/plugin-api';
import { CORE_LOCATION, findPackageDir, nodeModulesSearchPath } from './node-modules-dirs.js';
import { packageEntry } from './package-entry.js';
import { isPathSpecifier, pluginCandidates } from './plugin-names.js';

export interface ResolvedPlugin {
  /** The package that was found, or the absolute path for a plugin given as a file. */
  packageName: string;
  /** The absolute entry file to import, symlinks resolved. */
  path: string;
}

export interface ResolvePluginOptions {
  /** The working directory, searched after `baseDir`; defaults to `process.cwd()`. */
  cwd?: string;
}

async function statOrNull(path: string): Promise<Stats | null> {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}

async function resolvePathPlugin(name: string, baseDir: string): Promise<ResolvedPlugin> {
  const target = resolve(baseDir, name);
  const stats = await statOrNull(target);
  if (stats?.isFile()) return { packageName: target, path: await realpath(target) };
  if (stats?.isDirectory()) {
    const entry = await packageEntry(target, name);
    return { packageName: entry.name ?? target, path: entry.path };
  }
  throw new ConfigError(
    undefined,
    `plugin '${name}' not found: there is no file or directory '${target}' (relative plugin paths resolve against '${baseDir}')`,
  );
}

/**
 * Finds the entry file of the plugin `name` without importing it. Packages
 * are looked up in the node_modules directories above `baseDir`, then above
 * the working directory, then above core's own location; each candidate
 * name (see pluginCandidates) is tried everywhere before the next one.
 */
export async function resolvePlugin(
  name: string,
  kind: PluginKind,
  baseDir: string,
  options: ResolvePluginOptions = {},
): Promise<ResolvedPlugin> {
  if (name.trim() === '') throw new PluginError(name, 'the plugin name is empty');
  const absoluteBase = resolve(baseDir);
  if (isPathSpecifier(name)) return resolvePathPlugin(name, absoluteBase);

  const candidates = pluginCandidates(name, kind);
  const searchPath = nodeModulesSearchPath([absoluteBase, resolve(options.cwd ?? process.cwd()), CORE_LOCATION]);
  for (const packageName of candidates) {
    const packageDir = await findPackageDir(packageName, searchPath);
    if (packageDir !== null) return { packageName, path: (await packageEntry(packageDir, name)).path };
  }
  throw new PluginNotFoundError(name, candidates);
}
