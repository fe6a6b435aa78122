import { BackendUnavailableError, type Logger } from '@visor/plugin-api';
import type { StoreBackend } from '../stores/store-backend.js';

/**
 * Asks each writable store to remove the leftovers of interrupted writes
 * (Backend.cleanup), sweep after sweep. A store that fails never keeps the
 * others from being swept nor Visor from starting; the next sweep tries
 * again.
 *
 * A store that is unavailable (BackendUnavailableError: a missing bucket,
 * refused credentials, an endpoint down) is a condition of its own, which
 * the store warns about when it is created and `GET /status` reports: the
 * sweep only notes it, once at info level with the store's message (which
 * names the cause), at debug level for as long as the same message repeats,
 * and once at info level when the store cleans up again. Any other failure
 * is unexpected and logged as an error each time, with the error and its
 * causes.
 */
export class LeftoverSweeps {
  /** The message each unavailable store was last warned with. */
  private readonly unavailable = new Map<string, string>();

  constructor(private readonly logger: Logger) {}

  /**
   * Cleans up every store that writes, with `minAgeMs` when other instances
   * may be writing (see Backend.cleanup); resolves to the number of
   * leftovers removed. Never rejects.
   */
  async sweep(stores: Iterable<StoreBackend>, minAgeMs: number | undefined): Promise<number> {
    let removed = 0;
    for (const store of stores) {
      if (!store.capabilities.write) continue;
      try {
        removed += await store.cleanup(minAgeMs === undefined ? {} : { minAgeMs });
        if (this.unavailable.delete(store.name)) this.logger.info('the store cleans up its leftovers again', { store: store.name });
      } catch (error) {
        this.failed(store.name, error);
      }
    }
    return removed;
  }

  private failed(store: string, error: unknown): void {
    if (!(error instanceof BackendUnavailableError)) {
      this.logger.error('could not remove the leftovers of a store; trying again at the next sweep', { store, err: error });
      return;
    }
    const known = this.unavailable.get(store) === error.message;
    this.unavailable.set(store, error.message);
    const message = 'leftovers of a store not removed: the store is unavailable (GET /status reports it); trying again at each sweep';
    if (known) this.logger.debug(message, { store, reason: error.message });
    else this.logger.info(message, { store, reason: error.message });
  }
}
