import type { ErrorEvent, Logger, VisorHooks } from '@visor/plugin-api';

/**
 * The error to answer with once the mapError taps have seen `thrown`: the
 * last replacement a tap returned, else `thrown` itself. A tap that throws is
 * logged and the error answered as it was.
 */
export function mappedError(hooks: VisorHooks, logger: Logger, thrown: unknown, event: ErrorEvent): unknown {
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
