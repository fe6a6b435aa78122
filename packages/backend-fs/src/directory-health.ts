import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import type { BackendHealth } from '@visor/plugin-api';
import { freeBytes } from './free-bytes.js';

const GiB = 1024 ** 3;

function describe(error: unknown): string {
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message;
  return String(error);
}

/**
 * Healthy when the store and temporary directories exist and are writable;
 * reports free space. The message never names the path: `GET /status` is
 * open to anyone, and the operator knows the directory from the configuration.
 */
export async function directoryHealth(directory: string, tempDirectory: string): Promise<BackendHealth> {
  try {
    if (!(await stat(directory)).isDirectory()) return { ok: false, message: 'the store directory is not a directory' };
    const rwx = constants.R_OK | constants.W_OK | constants.X_OK;
    await access(directory, rwx);
    await access(tempDirectory, rwx);
    const free = await freeBytes(directory);
    return { ok: true, message: `the store directory is writable; ${free} bytes free (${(free / GiB).toFixed(1)} GiB)` };
  } catch (error) {
    return { ok: false, message: `the store directory is not usable: ${describe(error)}` };
  }
}
