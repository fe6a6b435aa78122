import type { Command } from 'commander';
import { VisorClient, VisorClientError } from '@visor/client';
import { readCredentials, writeCredentials, credentialsPath, type Profile } from '../config/credentials-file.js';
import { DEFAULT_PROFILE } from '../config/settings.js';
import { CliError, EXIT, UsageError } from '../errors/exit-codes.js';
import { action } from '../run-action.js';
import { prompt, readStdin } from './prompt.js';

interface LoginFlags {
  accessKey?: string;
  secretKeyStdin?: boolean;
  profile?: string;
}

/** Checks the URL and keys against the server: `GET /status`, then `GET /users/me` signed. */
async function check(url: string, keys: { accessKey: string; secretKey: string } | undefined): Promise<string> {
  await new VisorClient({ url }).status();
  if (keys === undefined) {
    try {
      await new VisorClient({ url }).list({}, { limit: 1 });
      return 'the server has no access control: saved without keys';
    } catch (error) {
      if (error instanceof VisorClientError && (error.status === 401 || error.status === 403)) {
        throw new CliError('the server needs keys: give --access-key and --secret-key-stdin, or run on a terminal to be asked', EXIT.permission);
      }
      throw error;
    }
  }
  const me = await new VisorClient({ url, ...keys }).users.me();
  return `logged in as ${me.access_key} (${me.role})`;
}

/** `visor login [URL]`, `visor logout`. */
export function registerLoginCommands(program: Command): void {
  program
    .command('login')
    .description('check keys against a server and save them as a profile in ~/.visor/credentials')
    .argument('[url]', 'the server, e.g. http://127.0.0.1:4568 (default: the profile\'s, else VISOR_URL)')
    .option('--access-key <key>', 'access key (else asked on the terminal)')
    .option('--secret-key-stdin', 'read the secret key from standard input')
    .action(
      action(async (context, urlArgument: string | undefined, flags: LoginFlags) => {
        const profileName = context.options.profile ?? process.env.VISOR_PROFILE ?? DEFAULT_PROFILE;
        const doc = await readCredentials();
        const url = urlArgument ?? context.options.url ?? process.env.VISOR_URL ?? doc.profiles[profileName]?.url;
        if (url === undefined) throw new UsageError('give the server URL: visor login http://HOST:PORT');
        try {
          new URL(url);
        } catch {
          throw new UsageError(`'${url}' is not a URL`);
        }
        let accessKey = flags.accessKey;
        let secretKey: string | undefined;
        if (flags.secretKeyStdin) {
          if (accessKey === undefined) throw new UsageError('--secret-key-stdin goes with --access-key');
          secretKey = await readStdin();
        } else if (process.stdin.isTTY) {
          accessKey ??= await prompt('Access key (empty for a server without access control): ');
          if (accessKey !== '') secretKey = await prompt('Secret key: ', true);
        } else if (accessKey !== undefined) {
          throw new UsageError('not on a terminal: give the secret key with --secret-key-stdin');
        }
        if (accessKey === '') accessKey = undefined;
        if (accessKey !== undefined && (secretKey === undefined || secretKey === '')) throw new UsageError('the secret key is empty');
        const keys = accessKey === undefined ? undefined : { accessKey, secretKey: secretKey! };
        const outcome = await check(url, keys);
        const profile: Profile = { url, ...(keys ? { access_key: keys.accessKey, secret_key: keys.secretKey } : {}) };
        doc.profiles[profileName] = profile;
        await writeCredentials(doc);
        context.output.message(`${outcome}; profile '${profileName}' saved in ${credentialsPath()}`, {
          profile: profileName,
          url,
          access_key: keys?.accessKey ?? null,
        });
      }),
    );

  program
    .command('logout')
    .description('remove the profile (--profile, else default) from ~/.visor/credentials')
    .action(
      action(async (context) => {
        const profileName = context.options.profile ?? process.env.VISOR_PROFILE ?? DEFAULT_PROFILE;
        const doc = await readCredentials();
        if (doc.profiles[profileName] === undefined) throw new CliError(`no profile '${profileName}' to remove`, EXIT.notFound);
        delete doc.profiles[profileName];
        await writeCredentials(doc);
        context.output.message(`profile '${profileName}' removed`, { removed: profileName });
      }),
    );
}
