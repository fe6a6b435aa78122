import { InvalidFieldError } from '@visor/core/plugin';

/** The plugin's options (the `options` of its `plugins` entry). */
export interface AuthOptions {
  /** Unauthenticated GET/HEAD of public images (principal null); default false. */
  anonymousRead: boolean;
  /** Where VISOR_ADMIN_ACCESS_KEY / VISOR_ADMIN_SECRET_KEY are read; process.env unless given (tests). */
  env: Record<string, string | undefined>;
}

/** Validates the options; a wrong one stops Visor from starting, naming it. */
export function resolveOptions(options: Record<string, unknown> = {}): AuthOptions {
  const anonymousRead = options.anonymousRead ?? false;
  if (typeof anonymousRead !== 'boolean') {
    throw new InvalidFieldError('anonymousRead', `auth option 'anonymousRead' must be true or false; got ${JSON.stringify(anonymousRead)}`);
  }
  const env = options.env ?? process.env;
  if (typeof env !== 'object' || env === null) {
    throw new InvalidFieldError('env', "auth option 'env' must be an object of environment variables");
  }
  return { anonymousRead, env: env as Record<string, string | undefined> };
}
