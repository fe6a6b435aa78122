import { startVisorServer, type RunningVisorServer, type StartVisorServerOptions } from '@visor/test-support';

/** The built Visor server (packages/core): the client depends on no Visor package, its tests run the server's build. */
const SERVER = new URL('../../../../core/dist/src/bin/visor.js', import.meta.url).pathname;

export type RunningVisor = RunningVisorServer;

/** A real Visor server: see `startVisorServer`. */
export function startVisor(options: Omit<StartVisorServerOptions, 'program'> = {}): Promise<RunningVisor> {
  return startVisorServer({ program: SERVER, ...options });
}
