import { NoActiveNamenodeError, WebHdfsConnectionError, WebHdfsRemoteError } from './errors.js';

/**
 * Whether a failed namenode request may go to the other namenode of an HA
 * pair: a StandbyException (the standby did nothing) or a connection that
 * was never made always may; a request cut off after it was sent (a reset, a
 * timeout) may only when repeating it is harmless (reads, step one of
 * CREATE and OPEN).
 */
export function shouldFailOver(error: unknown, idempotent: boolean): boolean {
  if (error instanceof WebHdfsRemoteError) return error.is('StandbyException');
  if (error instanceof WebHdfsConnectionError) return error.phase === 'connect' || idempotent;
  return false;
}

/**
 * One namenode, or the two of an HA pair. Requests go to the one that last
 * answered as active; on a failure `shouldFailOver` allows, the next is
 * tried, and the one that answers is remembered (as Hadoop's
 * ConfiguredFailoverProxyProvider does for RPC).
 */
export class NamenodePool {
  private active = 0;

  constructor(readonly namenodes: readonly URL[]) {
    if (namenodes.length === 0) throw new Error('at least one namenode is needed');
  }

  /** The namenode requests go to first. */
  get activeNamenode(): URL {
    return this.namenodes[this.active]!;
  }

  /** Index (0-based) of the namenode requests go to first. */
  get activeIndex(): number {
    return this.active;
  }

  /**
   * Runs `attempt` against the active namenode, then the others while
   * `shouldFailOver` allows; rejects with the attempt's error, or with
   * NoActiveNamenodeError when every namenode was standby or unreachable.
   */
  async run<T>(attempt: (namenode: URL) => Promise<T>, idempotent: boolean): Promise<T> {
    const failures: Error[] = [];
    for (let i = 0; i < this.namenodes.length; i++) {
      const index = (this.active + i) % this.namenodes.length;
      try {
        const result = await attempt(this.namenodes[index]!);
        this.active = index;
        return result;
      } catch (error) {
        if (!shouldFailOver(error, idempotent)) throw error;
        failures.push(error as Error);
      }
    }
    if (failures.length === 1) throw failures[0];
    throw new NoActiveNamenodeError(failures);
  }
}
