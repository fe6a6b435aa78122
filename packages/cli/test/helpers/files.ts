import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, testTempDir, type TestWithAfter } from '@visor/test-support';

/**
 * A fresh directory to serve as HOME and working directory of a test: removed when the test `t`
 * ends; without `t` (in a `before` hook), remove it with `removeTempDir` in the `after` hook.
 */
export const tempHome = (t?: TestWithAfter) => (t === undefined ? makeTempDir('visor-cli-home-') : testTempDir(t, 'visor-cli-home-'));

/** Bytes that differ from offset to offset, so a misplaced chunk shows. */
export function pattern(size: number, seed = 7): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed + (i >> 8)) & 0xff;
  return bytes;
}

export async function writeFileOf(dir: string, name: string, bytes: Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

export const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
