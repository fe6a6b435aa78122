import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { IO_CHUNK } from './io-sizes.js';
import { syncDirectory } from './sync-directory.js';

export interface AtomicWrite {
  /** Created with `wx`: it must not exist. */
  tempPath: string;
  finalPath: string;
  fileMode: number;
  fsync: boolean;
  signal?: AbortSignal | undefined;
}

/**
 * Streams `source` into the open temporary file. The write stream owns the
 * handle from here on: it closes it when it finishes or is destroyed (after
 * fsync when `flush` is set), and pipeline settles only once it has.
 */
async function fill(handle: FileHandle, source: Readable, target: AtomicWrite): Promise<number> {
  const out = handle.createWriteStream({ highWaterMark: IO_CHUNK, flush: target.fsync });
  await pipeline(source, out, { signal: target.signal });
  return out.bytesWritten;
}

/**
 * Streams `source` into a fresh temporary file, with backpressure, and renames
 * it onto `finalPath` only once every byte is written. On any failure (source
 * error, abort, disk error) the temporary file is removed and the error thrown:
 * `finalPath` then still holds what it held before, if anything.
 */
export async function writeAtomically(source: Readable, target: AtomicWrite): Promise<number> {
  target.signal?.throwIfAborted();
  await mkdir(dirname(target.tempPath), { recursive: true });
  const handle = await open(target.tempPath, 'wx', target.fileMode);
  let renamed = false;
  try {
    await handle.chmod(target.fileMode); // exact bits, whatever the process umask
    const size = await fill(handle, source, target);
    target.signal?.throwIfAborted();
    await mkdir(dirname(target.finalPath), { recursive: true });
    await rename(target.tempPath, target.finalPath);
    renamed = true;
    if (target.fsync) await syncDirectory(dirname(target.finalPath));
    return size;
  } catch (error) {
    await handle.close().catch(() => undefined); // a no-op once the write stream has closed it
    // A file that cannot be removed now is a leftover for cleanup(); the write's own error matters more.
    await rm(renamed ? target.finalPath : target.tempPath, { force: true }).catch(() => undefined);
    throw error;
  }
}
