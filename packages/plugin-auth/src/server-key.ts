import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '@visor/plugin-api';

export const SERVER_KEY_FILE = 'server.key';
const KEY_BYTES = 32;

/**
 * The 32-byte key that encrypts users' secrets at rest, kept in
 * `<dataDir>/server.key` (base64, mode 0600), created on first start.
 */
export async function loadServerKey(dataDir: string): Promise<Buffer> {
  const path = join(dataDir, SERVER_KEY_FILE);
  try {
    await writeFile(path, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const key = Buffer.from((await readFile(path, 'utf8')).trim(), 'base64');
  if (key.length !== KEY_BYTES) {
    throw new ConfigError(undefined, `server key ${path} must hold ${KEY_BYTES} bytes in base64; it holds ${key.length}`);
  }
  return key;
}
