import type { ErrorEvent, Logger, VisorHooks } from '@visor/plugin-api';

/**
 * The error to answer with once the mapError taps have seen `thrown`: the
 * last replacement a tap returned, else `thrown` itself. A tap that throws is
 * logged and the error answered as it was.
 */
export function mappedError(hooks: VisorHooks, logger: Logger, thrown: unknown, event: ErrorEvent): unknown {
  if (!(thrown instanceof Error) || !hooks.mapError.isUsed()) return thrown;
  try {
    return hooks.mapError.call(thrown, event) ?? thrown;
  } catch (error) {
    logger.error('a plugin failed in hook mapError', { hook: 'mapError', request: event.request.id, err: error });
    return thrown;
  }
}
