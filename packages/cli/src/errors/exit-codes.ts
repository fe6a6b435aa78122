import { VisorClientError } from '@visor/client';

/** The exit statuses of `visor`, documented in the README ("Exit codes"). */
export const EXIT = {
  ok: 0,
  /** A local failure: a file that cannot be read or written, a broken credentials file. */
  failure: 1,
  /** Bad usage or input: unknown option, bad k=v, a 400/413/415/416 answer. */
  usage: 2,
  notFound: 3,
  /** 409 from the server, or a local file that exists without `--force`. */
  conflict: 4,
  /** 401 or 403: not signed, wrong keys, no right. */
  permission: 5,
  /** 5xx from the server. */
  server: 6,
  /** The server cannot be reached. */
  network: 7,
  /** Downloaded or uploaded bytes do not match the image's digests. */
  integrity: 8,
  /** Interrupted (Ctrl-C). */
  interrupted: 130,
} as const;

/** The exit status of an HTTP status answered by the server (0: none was received). */
export function exitForStatus(status: number): number {
  if (status === 0) return EXIT.network;
  if (status === 404) return EXIT.notFound;
  if (status === 409) return EXIT.conflict;
  if (status === 401 || status === 403) return EXIT.permission;
  if (status >= 500) return EXIT.server;
  if (status >= 400) return EXIT.usage;
  return EXIT.failure;
}

/** An error the CLI reports in one line (no stack trace) and exits with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

/** A mistake in the command line or its arguments (exit 2). */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage);
    this.name = 'UsageError';
  }
}

/** The one line printed for an error, and the exit status it maps to. */
export function describeError(error: unknown): { message: string; exitCode: number } {
  if (error instanceof VisorClientError) {
    const where = error.status === 0 ? '' : ` (HTTP ${error.status})`;
    return { message: `${error.code}${where}: ${error.message}`, exitCode: exitForStatus(error.status) };
  }
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (error instanceof Error && typeof code === 'string') {
    return { message: `${code}: ${error.message}`, exitCode: code === 'EEXIST' ? EXIT.conflict : EXIT.failure };
  }
  return { message: error instanceof Error ? error.message : String(error), exitCode: EXIT.failure };
}
