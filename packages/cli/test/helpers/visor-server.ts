import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { startVisorServer, type RunningVisorServer, type StartVisorServerOptions } from '@visor/test-support';

/** The built visor-server of @visor/core, run as its own process. */
export const SERVER_PROGRAM = join(dirname(createRequire(import.meta.url).resolve('@visor/core/package.json')), 'dist', 'src', 'bin', 'visor.js');

export type RunningVisor = RunningVisorServer;

/** A real Visor server (see `startVisorServer`) whose first admin is `cli-admin`. */
export function startVisor(options: Omit<StartVisorServerOptions, 'program' | 'adminAccessKey'> = {}): Promise<RunningVisor> {
  return startVisorServer({ program: SERVER_PROGRAM, adminAccessKey: 'cli-admin', ...options });
}
