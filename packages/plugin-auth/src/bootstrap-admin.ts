import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, type Logger } from '@visor/plugin-api';
import { generateSecret } from './secret-box.js';
import type { UserStore } from './user-store.js';
import { checkAccessKey } from './validate-user.js';

export const ADMIN_CREDENTIALS_FILE = 'admin-credentials.json';
const MIN_SECRET_LENGTH = 16;

/**
 * On first start (no user yet), creates one admin: from VISOR_ADMIN_ACCESS_KEY
 * and VISOR_ADMIN_SECRET_KEY when set, else with a generated secret written
 * once to `<dataDir>/admin-credentials.json` (mode 0600). Never logs the secret.
 */
export async function bootstrapAdmin(
  users: UserStore,
  env: Record<string, string | undefined>,
  dataDir: string,
  logger: Logger,
): Promise<void> {
  if ((await users.count()) > 0) return;
  const accessKey = env.VISOR_ADMIN_ACCESS_KEY || undefined;
  const secret = env.VISOR_ADMIN_SECRET_KEY || undefined;
  if ((accessKey === undefined) !== (secret === undefined)) {
    throw new ConfigError(undefined, 'set both VISOR_ADMIN_ACCESS_KEY and VISOR_ADMIN_SECRET_KEY, or neither (a secret is then generated)');
  }
  if (accessKey !== undefined && secret !== undefined) {
    checkAccessKey(accessKey, 'VISOR_ADMIN_ACCESS_KEY');
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new ConfigError(undefined, `VISOR_ADMIN_SECRET_KEY must be at least ${MIN_SECRET_LENGTH} characters long`);
    }
    await users.create({ access_key: accessKey, email: `${accessKey}@localhost`, role: 'admin' }, secret);
    logger.info('auth: created the admin user from VISOR_ADMIN_ACCESS_KEY', { access_key: accessKey });
    return;
  }
  const admin = { access_key: 'admin', secret_key: generateSecret() };
  const path = join(dataDir, ADMIN_CREDENTIALS_FILE);
  try {
    // Written before the user exists, so a failure leaves no admin nobody knows the secret of.
    await writeFile(path, `${JSON.stringify(admin, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    throw new ConfigError(undefined, `${path} exists but the database has no user: remove the file (it belongs to another database) and start again`);
  }
  await users.create({ access_key: admin.access_key, email: 'admin@localhost', role: 'admin' }, admin.secret_key);
  logger.info(`auth: created the admin user; its credentials are in ${path} (readable by this user only)`, { access_key: admin.access_key, file: path });
}
