import { WebHdfsRemoteError } from './webhdfs/errors.js';
import type { WebHdfsClient } from './webhdfs/webhdfs-client.js';

/** Old temporary files a sweep saw, each with its length and modification time, for the next sweep to compare. */
export type OldLeftovers = ReadonlyMap<string, string>;

export interface SweepOptions {
  /** Names of this process's uploads in progress: never removed. */
  inUse: ReadonlySet<string>;
  /** Only entries modified at least this long ago by the namenode's clock; undefined: every entry. */
  minAgeMs: number | undefined;
  /** What the previous sweep with `minAgeMs` found old. */
  previous: OldLeftovers;
}

/**
 * Deletes leftovers in `tempDirectory` (LISTSTATUS, then DELETE with
 * `recursive=true`) and resolves to how many it deleted and what it found
 * old but kept. With `minAgeMs` the age is judged by the namenode's clock
 * (the Date header of its LISTSTATUS answer), and since HDFS leaves a file's
 * modification time at its creation while it is written, an old entry goes
 * only when `previous` saw it old with the same length: an upload still
 * growing is spared. A missing directory has no leftovers.
 */
export async function removeLeftovers(client: WebHdfsClient, tempDirectory: string, options: SweepOptions): Promise<{ removed: number; old: OldLeftovers }> {
  let listing;
  try {
    listing = await client.listStatus(tempDirectory);
  } catch (error) {
    if (error instanceof WebHdfsRemoteError && error.is('FileNotFoundException')) return { removed: 0, old: new Map() };
    throw error;
  }
  const now = listing.serverTime ?? Date.now();
  const cutoff = options.minAgeMs === undefined ? undefined : now - options.minAgeMs;
  const old = new Map<string, string>();
  let removed = 0;
  for (const entry of listing.entries) {
    const name = entry.pathSuffix;
    if (options.inUse.has(name)) continue;
    if (cutoff !== undefined) {
      if (entry.modificationTime > cutoff) continue;
      const mark = `${entry.length}@${entry.modificationTime}`;
      if (options.previous.get(name) !== mark) {
        old.set(name, mark);
        continue;
      }
    }
    if (await client.delete(`${tempDirectory}/${name}`, true)) removed += 1;
  }
  return { removed, old };
}
