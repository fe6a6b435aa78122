import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A new empty directory under the OS temp directory (symlinks resolved, so paths compare as written). */
export async function makeTempDir(): Promise<string> {
  return mkdtemp(join(await realpath(tmpdir()), 'visor-fs-test-'));
}

export function removeDir(directory: string): Promise<void> {
  return rm(directory, { recursive: true, force: true });
}
