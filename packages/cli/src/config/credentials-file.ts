import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError, EXIT } from '../errors/exit-codes.js';

/** One saved profile: a server and the keys to sign with (keys absent for a server without access control). */
export interface Profile {
  url: string;
  access_key?: string;
  secret_key?: string;
}

/** The document in `~/.visor/credentials`: `{ "profiles": { "<name>": Profile } }`. */
export interface CredentialsDocument {
  profiles: Record<string, Profile>;
}

/** `~/.visor/credentials` (the home directory from `os.homedir()`, i.e. `$HOME`). */
export function credentialsPath(): string {
  return join(homedir(), '.visor', 'credentials');
}

/**
 * Reads the credentials file; an absent file is an empty document. Refuses (exit 1) a file that
 * its group or others may read or write, like ssh does with private keys, and a file that is not
 * a credentials document.
 */
export async function readCredentials(path = credentialsPath()): Promise<CredentialsDocument> {
  let mode: number;
  try {
    mode = (await stat(path)).mode;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: {} };
    throw error;
  }
  if ((mode & 0o077) !== 0) {
    throw new CliError(
      `${path} is readable or writable by others (mode ${(mode & 0o777).toString(8)}): it holds secret keys; run 'chmod 600 ${path}'`,
      EXIT.permission,
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new CliError(`${path} is not a valid credentials file: ${(error as Error).message}`, EXIT.failure);
  }
  const profiles = (doc as { profiles?: unknown } | null)?.profiles;
  if (profiles === null || typeof profiles !== 'object' || Array.isArray(profiles)) {
    throw new CliError(`${path} is not a valid credentials file: it has no "profiles" object`, EXIT.failure);
  }
  return { profiles: profiles as Record<string, Profile> };
}

/** Writes the document with mode 0600 (directory 0700), through a temporary file renamed over the old one. */
export async function writeCredentials(doc: CredentialsDocument, path = credentialsPath()): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}
