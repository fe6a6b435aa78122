import { BackendError, InvalidRangeError, ObjectNotFoundError, shownLocation } from '@visor/plugin-api';
import { SourceFetchError } from './fetch/fetch-errors.js';

/**
 * Maps a source failure to the Visor error a client sees (statuses from
 * core's error-status table):
 * - a range outside the object is InvalidRangeError (416);
 * - a 404/410 is ObjectNotFoundError (at registration the core answers 400
 *   on `location`; when reading it marks the image `error`);
 * - at registration, a refused location (SSRF guard, scheme, credentials)
 *   or another 4xx answer is the client's to fix: `InvalidField` on
 *   `location` (400);
 * - everything else (5xx, no length, unreachable, timeouts, redirects, a
 *   changed object, a refused redirect target when reading) is the
 *   source's: BackendError (502), naming host and cause.
 * Errors that are not SourceFetchErrors (an AbortError) pass unchanged.
 */
export function toVisorError(error: unknown, store: string, location: string, phase: 'register' | 'read'): unknown {
  if (!(error instanceof SourceFetchError)) return error;
  const key = shownLocation(location);
  const options = { cause: error, details: { host: error.host, failure: error.failure, ...(error.status === undefined ? {} : { sourceStatus: error.status }) } };
  if (error.failure === 'range') return new InvalidRangeError(store, key, error.message);
  if (error.failure === 'status' && (error.status === 404 || error.status === 410)) {
    return new ObjectNotFoundError(store, key, { ...options, details: { ...options.details, reason: error.message } });
  }
  const clients = error.failure === 'refused' || (error.failure === 'status' && error.status !== undefined && error.status < 500);
  if (phase === 'register' && clients) {
    return new BackendError(store, key, `location refused: ${error.message}`, { ...options, code: 'InvalidField', details: { ...options.details, field: 'location' } });
  }
  return new BackendError(store, key, error.message, options);
}
