import type { Logger } from '@visor/plugin-api';
import { currentRequestId } from './request-scope.js';

/**
 * Wraps a logger so that every line written while a request is being served
 * (its handler, the hooks and backend calls it started, its after-hooks)
 * carries `request: <id>`, unless the line names a request itself.
 */
export function withRequestIds(logger: Logger): Logger {
  const fields = (given?: Record<string, unknown>): Record<string, unknown> | undefined => {
    const id = currentRequestId();
    if (id === undefined || (given !== undefined && 'request' in given)) return given;
    return { request: id, ...given };
  };
  return {
    debug: (message, given) => logger.debug(message, fields(given)),
    info: (message, given) => logger.info(message, fields(given)),
    warn: (message, given) => logger.warn(message, fields(given)),
    error: (message, given) => logger.error(message, fields(given)),
    child: (base) => withRequestIds(logger.child(base)),
  };
}
