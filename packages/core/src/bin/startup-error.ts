import { VisorError } from '@visor/plugin-api';

/** What the server command prints when it cannot start: one `visor: ...` line, and more only where it helps. */
export interface StartupFailure {
  /** One line, starting with `visor: `. */
  line: string;
  /** Printed after the line: the usage after a wrong flag, the spot in a config file that does not parse. */
  more?: string;
  /** 2 for a wrong command line (as most commands), 1 otherwise. */
  exitCode: number;
}

interface ListenError {
  code?: unknown;
  address?: unknown;
  port?: unknown;
  syscall?: unknown;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** Why the server could not bind its address, in words (EADDRINUSE, EACCES, EADDRNOTAVAIL). */
function listenFailure(error: ListenError): string | undefined {
  if (error.syscall !== 'listen' && error.code !== 'EADDRINUSE') return undefined;
  const where = typeof error.address === 'string' ? `${error.address.includes(':') ? `[${error.address}]` : error.address}:${String(error.port)}` : 'the configured address';
  switch (error.code) {
    case 'EADDRINUSE':
      return `cannot listen on ${where}: the address is already in use (another Visor or program holds it); choose another port (port, VISOR_PORT) or stop the other one`;
    case 'EACCES':
      return `cannot listen on ${where}: permission denied (ports below 1024 need privileges); choose a port from 1024 (port, VISOR_PORT)`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${where}: no network interface has that address; check host (VISOR_HOST)`;
    default:
      return undefined;
  }
}

/**
 * Turns anything that stopped the start into what the server command prints:
 * a wrong flag (node:util parseArgs' ERR_PARSE_ARGS_* errors) with the usage,
 * an address that cannot be bound, a configuration or plugin error (a
 * VisorError: its message, and a config file's code frame once), else the
 * error's own message on one line.
 */
export function describeStartupFailure(error: unknown, usage: string): StartupFailure {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) {
    return { line: `visor: ${oneLine(message)}`, more: usage, exitCode: 2 };
  }
  const listen = typeof error === 'object' && error !== null ? listenFailure(error as ListenError) : undefined;
  if (listen !== undefined) return { line: `visor: ${listen}`, exitCode: 1 };
  if (error instanceof VisorError) {
    const frame = error.details?.codeFrame;
    return { line: `visor: ${oneLine(message)}`, ...(typeof frame === 'string' ? { more: frame } : {}), exitCode: 1 };
  }
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${oneLine(error.cause.message)})` : '';
  return { line: `visor: failed to start: ${oneLine(message)}${cause}`, exitCode: 1 };
}
