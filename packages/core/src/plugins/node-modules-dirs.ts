import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * This file's own directory: walking up from it reaches the node_modules that
 * hold core's dependencies, so the built-in backend and encoders are found
 * wherever Visor is installed.
 */
export const CORE_LOCATION = dirname(fileURLToPath(import.meta.url));

/** Every `node_modules` directory from `start` up to the filesystem root, as Node looks them up. */
export function nodeModulesChain(start: string): string[] {
  const dirs: string[] = [];
  for (let dir = start; ; dir = dirname(dir)) {
    if (basename(dir) !== 'node_modules') dirs.push(join(dir, 'node_modules'));
    if (dirname(dir) === dir) return dirs;
  }
}

/** The chains of several starting points, in order, each directory once. */
export function nodeModulesSearchPath(starts: readonly string[]): string[] {
  return [...new Set(starts.flatMap(nodeModulesChain))];
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** The directory of the first installed copy of `packageName` along `searchPath`, or null. */
export async function findPackageDir(packageName: string, searchPath: readonly string[]): Promise<string | null> {
  for (const nodeModules of searchPath) {
    const candidate = join(nodeModules, packageName);
    if (await isDirectory(candidate)) return candidate;
  }
  return null;
}
