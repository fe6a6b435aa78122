import { statfs } from 'node:fs/promises';

/** Bytes an unprivileged process may still write on the file system holding `directory`. */
export async function freeBytes(directory: string): Promise<number> {
  const space = await statfs(directory);
  return space.bavail * space.bsize;
}
