import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Prefix of the file that reads the file system's clock; never a leftover (keys start with a letter or digit). */
const CLOCK_PROBE = '.clock-';

/**
 * Now, by the clock that stamps this directory's files (on NFS, the server's):
 * the modification time of a file written for the purpose.
 */
async function fileSystemNow(directory: string): Promise<number> {
  const probe = join(directory, `${CLOCK_PROBE}${randomBytes(6).toString('hex')}`);
  try {
    await writeFile(probe, '');
    return (await lstat(probe)).mtimeMs;
  } finally {
    await rm(probe, { force: true });
  }
}

/**
 * Removes everything in the temporary directory except the entries named in
 * `inUse` (this process's writes in progress) and, with `minAgeMs`, entries
 * modified less than that long ago by the file system's clock (another
 * process's writes, perhaps); resolves to how many it removed.
 */
export async function removeLeftovers(tempDirectory: string, inUse: ReadonlySet<string>, minAgeMs?: number): Promise<number> {
  let entries: string[];
  try {
    entries = await readdir(tempDirectory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(tempDirectory, { recursive: true });
    return 0;
  }
  const cutoff = minAgeMs === undefined ? undefined : (await fileSystemNow(tempDirectory)) - minAgeMs;
  let removed = 0;
  for (const entry of entries) {
    // Another process's clock probe lives a moment; alone (no minAgeMs), a stray one goes too.
    if (inUse.has(entry) || (cutoff !== undefined && entry.startsWith(CLOCK_PROBE))) continue;
    const path = join(tempDirectory, entry);
    if (cutoff !== undefined) {
      const stats = await lstat(path).catch(() => undefined);
      if (!stats || stats.mtimeMs >= cutoff) continue;
    }
    await rm(path, { recursive: true, force: true });
    removed += 1;
  }
  return removed;
}
