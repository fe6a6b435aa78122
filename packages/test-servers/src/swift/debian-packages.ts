import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The programs the all-in-one runs, from the Debian packages the install script lists. */
const PROGRAMS = [
  '/usr/bin/swift-proxy-server',
  '/usr/bin/swift-account-server',
  '/usr/bin/swift-container-server',
  '/usr/bin/swift-object-server',
  '/usr/bin/swift-ring-builder',
  '/usr/bin/memcached',
  '/usr/bin/python3',
];

/** The script that installs what is missing (apt-get, as root). */
export const INSTALL_SCRIPT = fileURLToPath(new URL('../../../scripts/install-debian-packages.sh', import.meta.url));

async function missingPrograms(): Promise<string[]> {
  const missing: string[] = [];
  for (const program of PROGRAMS) {
    await access(program, constants.X_OK).catch(() => missing.push(program));
  }
  return missing;
}

let installing: Promise<void> | undefined;

/**
 * Makes sure Swift and memcached are installed: when a program is missing,
 * runs the install script (apt-get update and install, which needs root).
 * Throws, naming what is missing and the script, when that fails.
 */
export function ensureSwiftInstalled(): Promise<void> {
  installing ??= (async () => {
    if ((await missingPrograms()).length === 0) return;
    try {
      await run('sh', [INSTALL_SCRIPT], { maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      const { stderr = '' } = error as { stderr?: string };
      throw new Error(`Swift is not installed and installing it failed (${INSTALL_SCRIPT}): ${stderr.trim() || String(error)}`, { cause: error });
    }
    const still = await missingPrograms();
    if (still.length > 0) throw new Error(`still missing after ${INSTALL_SCRIPT}: ${still.join(', ')}`);
  })();
  return installing;
}
