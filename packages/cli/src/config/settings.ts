import { CliError, EXIT, UsageError } from '../errors/exit-codes.js';
import { readClientSection } from './client-section.js';
import { readCredentials } from './credentials-file.js';

/** The options every command takes that choose the server and keys. */
export interface ConnectionFlags {
  url?: string;
  accessKey?: string;
  secretKey?: string;
  profile?: string;
}

/** Where the client connects and what it signs with, and where each came from (for `visor status`, errors). */
export interface Settings {
  url: string;
  accessKey?: string;
  secretKey?: string;
  profile: string;
  source: { url: string; keys: string };
}

export const DEFAULT_PROFILE = 'default';

const nonEmpty = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);

/**
 * Resolves each setting by precedence: flags > VISOR_URL / VISOR_ACCESS_KEY / VISOR_SECRET_KEY >
 * the profile in ~/.visor/credentials (`--profile`, else VISOR_PROFILE, else `default`) > the
 * `client` section of the `visor` configuration. Keys come as a pair from one source. Throws
 * UsageError when no source names a server.
 */
export async function resolveSettings(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): Promise<Settings> {
  const profileName = nonEmpty(flags.profile) ?? nonEmpty(env.VISOR_PROFILE) ?? DEFAULT_PROFILE;
  const candidates: Array<{ source: string; url?: string; accessKey?: string; secretKey?: string }> = [
    { source: 'flags', url: nonEmpty(flags.url), accessKey: nonEmpty(flags.accessKey), secretKey: nonEmpty(flags.secretKey) },
    { source: 'environment', url: nonEmpty(env.VISOR_URL), accessKey: nonEmpty(env.VISOR_ACCESS_KEY), secretKey: nonEmpty(env.VISOR_SECRET_KEY) },
  ];
  const settled = () => candidates.some((c) => c.url) && candidates.some((c) => c.accessKey && c.secretKey);

  if (!settled()) {
    const profile = (await readCredentials()).profiles[profileName];
    if (profile === undefined && flags.profile !== undefined) {
      throw new CliError(`no profile '${profileName}' in ~/.visor/credentials: run 'visor login --profile ${profileName}'`, EXIT.usage);
    }
    if (profile !== undefined) {
      candidates.push({ source: `profile '${profileName}'`, url: profile.url, accessKey: profile.access_key, secretKey: profile.secret_key });
    }
  }
  if (!settled()) {
    const found = await readClientSection();
    if (found !== undefined) candidates.push({ source: `configuration ${found.file}`, ...found.section });
  }

  for (const c of candidates) {
    if ((c.accessKey === undefined) !== (c.secretKey === undefined)) {
      throw new UsageError(`the ${c.source} give${c.source === 'flags' ? '' : 's'} only one of the access key and the secret key: give both`);
    }
  }
  const urlFrom = candidates.find((c) => c.url !== undefined);
  if (urlFrom === undefined) {
    throw new UsageError("no server: run 'visor login URL', or give --url or VISOR_URL");
  }
  const keysFrom = candidates.find((c) => c.accessKey !== undefined);
  return {
    url: urlFrom.url!,
    ...(keysFrom === undefined ? {} : { accessKey: keysFrom.accessKey!, secretKey: keysFrom.secretKey! }),
    profile: profileName,
    source: { url: urlFrom.source, keys: keysFrom?.source ?? 'none' },
  };
}
