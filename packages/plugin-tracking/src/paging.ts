import { InvalidFieldError } from '@visor/plugin-api';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

export interface Page {
  limit: number;
  /** The id of the last event of the previous page. */
  marker: number | null;
}

/** Reads `limit` (1..1000, default 100) and `marker` (an event id) from a query; 400 when malformed. */
export function parsePage(query: URLSearchParams): Page {
  const rawLimit = query.get('limit');
  const limit = rawLimit === null ? DEFAULT_LIMIT : Number(rawLimit);
  if (rawLimit !== null && (!/^\d+$/.test(rawLimit) || limit < 1 || limit > MAX_LIMIT)) {
    throw new InvalidFieldError('limit', `'limit' must be a whole number from 1 to ${MAX_LIMIT}; got '${rawLimit}'`);
  }
  const rawMarker = query.get('marker');
  if (rawMarker === null || rawMarker === '') return { limit, marker: null };
  if (!/^\d{1,15}$/.test(rawMarker)) {
    throw new InvalidFieldError('marker', `'marker' must be the id of an event (the last one of the previous page); got '${rawMarker}'`);
  }
  return { limit, marker: Number(rawMarker) };
}
