import { readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, basename } from 'node:path';

/** The longest prefix all the strings share. */
function commonPrefix(values: readonly string[]): string {
  if (values.length === 0) return '';
  let prefix = values[0]!;
  for (const v of values) while (!v.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

/**
 * Completes a typed path the way a shell's Tab does: the entries of its directory that start
 * with its last part, extended to their common prefix (directories end with `/`). `~/` is the
 * home directory. Returns the completed text and the candidates (for showing when several).
 */
export async function completePath(typed: string, cwd = process.cwd()): Promise<{ value: string; candidates: string[] }> {
  const expanded = typed.startsWith('~/') ? join(homedir(), typed.slice(2)) : typed;
  const absolute = expanded.startsWith('/') ? expanded : join(cwd, expanded);
  const endsWithSlash = typed.endsWith('/') || typed === '';
  const dir = endsWithSlash ? absolute : dirname(absolute);
  const stem = endsWithSlash ? '' : basename(absolute);
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return { value: typed, candidates: [] };
  }
  const matches = entries
    .filter((e) => e.name.startsWith(stem) && (stem.startsWith('.') || !e.name.startsWith('.')))
    .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
    .sort();
  if (matches.length === 0) return { value: typed, candidates: [] };
  const completion = commonPrefix(matches);
  const head = endsWithSlash ? typed : typed.slice(0, typed.length - stem.length);
  return { value: head + completion, candidates: matches.length > 1 ? matches : [] };
}
