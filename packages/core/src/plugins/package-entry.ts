import { readFile, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PluginError } from '@visor/plugin-api';

/** The `exports` conditions Visor honours when importing a plugin, as Node would for `import()`. */
const CONDITIONS = new Set(['import', 'node', 'default']);

type Json = Record<string, unknown>;

function isJsonObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Picks a target path from an `exports` value: a string, an array of fallbacks, or (nested) conditions. */
function conditionalTarget(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    for (const item of value) {
      const target = conditionalTarget(item);
      if (target !== undefined) return target;
    }
    return undefined;
  }
  if (isJsonObject(value)) {
    // Object key order is the priority order, as in Node.
    for (const [condition, nested] of Object.entries(value)) {
      if (!CONDITIONS.has(condition)) continue;
      const target = conditionalTarget(nested);
      if (target !== undefined) return target;
    }
  }
  return undefined;
}

/** The target of `exports["."]`; `exports` may also be the `"."` target itself (string, array, or conditions). */
function exportsTarget(exportsField: unknown): string | undefined {
  if (isJsonObject(exportsField) && Object.keys(exportsField).some((key) => key.startsWith('.'))) {
    return conditionalTarget(exportsField['.']);
  }
  return conditionalTarget(exportsField);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function readPackageJson(packageDir: string, label: string): Promise<Json | null> {
  const file = join(packageDir, 'package.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return isJsonObject(parsed) ? parsed : {};
  } catch (cause) {
    throw new PluginError(label, `cannot parse '${file}': ${(cause as Error).message}`, { cause });
  }
}

/** Paths to try for a package, best first: the `exports` target, `main` (with Node's legacy fallbacks), `index.js`. */
function entryCandidates(packageDir: string, manifest: Json | null): string[] {
  const exported = exportsTarget(manifest?.exports);
  if (exported !== undefined) return [resolve(packageDir, exported)];
  const candidates: string[] = [];
  if (typeof manifest?.main === 'string' && manifest.main !== '') {
    const main = resolve(packageDir, manifest.main);
    candidates.push(main, `${main}.js`, join(main, 'index.js'));
  }
  candidates.push(join(packageDir, 'index.js'));
  return candidates;
}

export interface PackageEntry {
  /** `name` from package.json, when it has one. */
  name: string | undefined;
  /** The absolute entry file, symlinks resolved. */
  path: string;
}

/** The file `import()`ing the package at `packageDir` loads; PluginError for `label` when there is none. */
export async function packageEntry(packageDir: string, label: string): Promise<PackageEntry> {
  const manifest = await readPackageJson(packageDir, label);
  const candidates = entryCandidates(packageDir, manifest);
  for (const candidate of candidates) {
    if (await isFile(candidate)) {
      return { name: typeof manifest?.name === 'string' ? manifest.name : undefined, path: await realpath(candidate) };
    }
  }
  throw new PluginError(
    label,
    `the package at '${packageDir}' has no entry point: '${candidates[0]}' does not exist (is the package built?)`,
  );
}
