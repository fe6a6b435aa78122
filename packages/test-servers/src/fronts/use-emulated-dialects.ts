import { after, before } from 'node:test';
import { startEmulatedDialects, type EmulatedDialects } from './emulated-dialects.js';

/** A store behind one of the fronts, as the probes find its objects again: by its key prefix. */
export interface PrefixedStore {
  options: { prefix: string };
}

export interface UsedEmulatedDialects {
  /** The running servers; throws when read before the `before` hook started them. */
  readonly target: EmulatedDialects;
  /**
   * The probes of the backend conformance suite (`runBackendTestSuite`) for a store behind a
   * front, which look behind it at Swift (`listRaw`, `storedBytes`), and its per-test timeout
   * (120 s: a 2-core machine runs Swift, nginx and the test).
   */
  readonly suiteProbes: {
    listRaw(backend: PrefixedStore): Promise<string[]>;
    storedBytes(backend: PrefixedStore): Promise<number>;
    timeout: number;
  };
}

/**
 * The emulated dialects (`startEmulatedDialects`) for the tests of the scope it is called in:
 * registers a node:test `before` hook that starts them and an `after` hook that stops them, so
 * call it at the top level of a test file or in a `describe` body, before the tests.
 */
export function useEmulatedDialects(): UsedEmulatedDialects {
  let running: EmulatedDialects | undefined;
  before(async () => {
    running = await startEmulatedDialects();
  });
  after(async () => {
    await running?.stop();
  });
  const target = (): EmulatedDialects => {
    if (running === undefined) throw new Error('the emulated dialects are not running: useEmulatedDialects() starts them in a before hook of the scope it is called in');
    return running;
  };
  return {
    get target() {
      return target();
    },
    suiteProbes: {
      listRaw: (backend) => target().listRaw(backend.options.prefix),
      storedBytes: (backend) => target().storedBytes(backend.options.prefix),
      timeout: 120_000,
    },
  };
}
