import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

async function walk(root: string, directory: string, out: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    if (isMissing(error)) return; // removed while we looked
    throw error;
  }
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) await walk(root, path, out);
    else out.push(relative(root, path));
  }
}

/** Every file below `root` (temporary ones included), as sorted relative paths. */
export async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  await walk(root, root, out);
  return out.sort();
}

/** Total size of the files below `root`; files that vanish while counted count as 0. */
export async function totalFileBytes(root: string): Promise<number> {
  let total = 0;
  for (const file of await listFiles(root)) {
    try {
      total += (await stat(join(root, file))).size;
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }
  return total;
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}
