import type { ErrorEvent, Logger, VisorHooks } from '@visor/plugin-api';
import { databaseBusyError, isAcquireTimeout } from '../metadata/database-busy.js';

/** What translating the core's own failures needs to know of the configuration. */
export interface ErrorSettings {
  /** `database.acquireTimeoutSeconds`: how long a query waits for a pooled connection. */
  databaseAcquireTimeoutSeconds: number;
}

/**
 * Failures of Visor's own parts that are not VisorErrors, as the typed
 * errors clients get; anything else unchanged. knex's acquire timeout (every
 * connection of the metadata database busy for the whole timeout) becomes
 * ServiceUnavailableError, 503 with `Retry-After`, rather than a 500 with
 * knex's text.
 */
export function coreError(thrown: unknown, settings: ErrorSettings): unknown {
  return isAcquireTimeout(thrown) ? databaseBusyError(thrown, settings.databaseAcquireTimeoutSeconds) : thrown;
}

/**
 * The error to answer with: `raised` as the core knows it (coreError), then
 * as the mapError taps see it: the last replacement a tap returned, else
 * that error itself. A tap that throws is logged and the error answered as
 * it was.
 */
export function mappedError(hooks: VisorHooks, logger: Logger, raised: unknown, event: ErrorEvent, settings: ErrorSettings): unknown {
  const thrown = coreError(raised, settings);
  try {
    // `instanceof` itself throws for a revoked Proxy: inside the try, like the taps.
    if (!hooks.mapError.isUsed() || !(thrown instanceof Error)) return thrown;
    return hooks.mapError.call(thrown, event) ?? thrown;
  } catch (error) {
    try {
      logger.error('a plugin failed in hook mapError', { hook: 'mapError', request: event.request.id, err: error });
    } catch {
      // The answer path must not throw; answerError still logs the original error.
    }
    return thrown;
  }
}
