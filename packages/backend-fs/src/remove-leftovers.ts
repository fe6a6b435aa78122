import { lstat, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Removes everything in the temporary directory except the entries named in
 * `inUse` (this process's writes in progress) and, with `olderThan`, entries
 * modified since then (another process's writes, perhaps); resolves to how
 * many it removed.
 */
export async function removeLeftovers(tempDirectory: string, inUse: ReadonlySet<string>, olderThan?: Date): Promise<number> {
  let entries: string[];
  try {
    entries = await readdir(tempDirectory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(tempDirectory, { recursive: true });
    return 0;
  }
  let removed = 0;
  for (const entry of entries) {
    if (inUse.has(entry)) continue;
    const path = join(tempDirectory, entry);
    if (olderThan !== undefined) {
      const stats = await lstat(path).catch(() => undefined);
      if (!stats || stats.mtimeMs >= olderThan.getTime()) continue;
    }
    await rm(path, { recursive: true, force: true });
    removed += 1;
  }
  return removed;
}
