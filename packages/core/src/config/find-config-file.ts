import { stripVTControlCharacters } from 'node:util';
import { access } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { cosmiconfig, type PublicExplorer } from 'cosmiconfig';
import { ConfigError } from '@visor/plugin-api';

/**
 * Where a configuration is looked for in each directory, first match wins.
 * TypeScript files and cosmiconfig's `.config/` subdirectory are left out:
 * Visor documents exactly these.
 */
export const CONFIG_SEARCH_PLACES = [
  'package.json',
  '.visorrc',
  '.visorrc.json',
  '.visorrc.yaml',
  '.visorrc.yml',
  '.visorrc.js',
  '.visorrc.cjs',
  '.visorrc.mjs',
  'visor.config.js',
  'visor.config.cjs',
  'visor.config.mjs',
  'visor.config.json',
  'visor.config.yaml',
  'visor.config.yml',
] as const;

export interface ConfigFile {
  filepath: string;
  /** undefined for an empty file. */
  config: unknown;
}

function explorer(): PublicExplorer {
  return cosmiconfig('visor', {
    searchPlaces: [...CONFIG_SEARCH_PLACES],
    // One directory per search() call: searchConfigDirs decides how far up to go.
    searchStrategy: 'none',
    // An empty config file is a config file (all defaults), not a reason to keep searching.
    ignoreEmptySearchPlaces: false,
    cache: false,
  });
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The directories searched, nearest first: from `cwd` up to and including the
 * project root (the nearest directory holding a package.json), so Visor finds
 * its project's configuration from any subdirectory but never one outside the
 * project. Outside any project only `cwd` itself is searched.
 *
 * cosmiconfig 9's own strategies do not fit: 'none' never goes up, 'global'
 * also reads ~/.config/visor, and 'project' does not actually stop at the
 * package.json in 9.0.0 (fixed upstream later, cosmiconfig PR #361).
 */
export async function searchConfigDirs(cwd: string): Promise<string[]> {
  const dirs: string[] = [];
  for (let dir = cwd; ; dir = dirname(dir)) {
    dirs.push(dir);
    if (await exists(join(dir, 'package.json'))) return dirs;
    if (dirname(dir) === dir) return [cwd];
  }
}

const CODE_FRAME_LINE = /^\s*(?:>?\s*\d+\s*\||\|)|^-*\^\s*$/;

/**
 * Why a config file did not parse, on one line, and the spot it points at
 * (a code frame), once. js-yaml's YAMLException carries `reason` and `mark`;
 * parse-json's JSONError (cosmiconfig's JSON loader) puts its code frame in
 * its message twice, around the reason, and in `codeFrame`.
 */
function parseFailure(cause: unknown): { reason: string; codeFrame?: string } {
  const error = cause as { name?: unknown; message?: unknown; reason?: unknown; codeFrame?: unknown; mark?: { line?: unknown; column?: unknown; snippet?: unknown } };
  if (typeof error?.reason === 'string' && typeof error.mark?.line === 'number' && typeof error.mark.column === 'number') {
    const reason = `YAML: ${error.reason} (line ${error.mark.line + 1}, column ${error.mark.column + 1})`;
    return typeof error.mark.snippet === 'string' ? { reason, codeFrame: error.mark.snippet } : { reason };
  }
  // parse-json colours its code frame where it thinks a terminal will show it (also under CI=true):
  // the colours would defeat the frame-line test below and garble a log, so they go first.
  const message = stripVTControlCharacters(cause instanceof Error ? cause.message : String(cause));
  if (error?.name === 'JSONError') {
    const lines = message.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('JSON Error in ') && !CODE_FRAME_LINE.test(line));
    const reason = `JSON: ${lines.join(' ').trim()}`;
    return typeof error.codeFrame === 'string' ? { reason, codeFrame: stripVTControlCharacters(error.codeFrame) } : { reason };
  }
  return { reason: message.replace(/\s*\n\s*/g, ' ').trim() };
}

function loadFailure(filepath: string, cause: unknown): ConfigError {
  const { reason, codeFrame } = parseFailure(cause);
  return new ConfigError(undefined, `cannot load config file '${filepath}': ${reason}`, { cause, ...(codeFrame === undefined ? {} : { details: { codeFrame } }) });
}

/** The configuration found by searching from `cwd` (see searchConfigDirs), or null when there is none. */
export async function searchConfigFile(cwd: string): Promise<ConfigFile | null> {
  const search = explorer();
  for (const dir of await searchConfigDirs(cwd)) {
    let result;
    try {
      result = await search.search(dir);
    } catch (cause) {
      const filepath = (cause as { filepath?: unknown }).filepath;
      throw loadFailure(typeof filepath === 'string' ? filepath : dir, cause);
    }
    // An empty package.json is not a Visor configuration.
    if (result && !(result.isEmpty && basename(result.filepath) === 'package.json')) {
      return { filepath: result.filepath, config: result.config };
    }
  }
  return null;
}

/** Loads the file the user named; `key` is the setting that named it (VISOR_CONFIG), if any. */
export async function readConfigFile(path: string, cwd: string, key?: string): Promise<ConfigFile> {
  const filepath = resolve(cwd, path);
  let result;
  try {
    result = await explorer().load(filepath);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ConfigError(key, `config file '${filepath}' does not exist`, { cause });
    if (code === 'EISDIR') throw new ConfigError(key, `config file '${filepath}' is a directory`, { cause });
    throw loadFailure(filepath, cause);
  }
  // null: a package.json without a `visor` key, or a JSON file holding null.
  return { filepath, config: result?.config };
}
