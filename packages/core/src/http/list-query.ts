import { COLUMN_FIELDS, InvalidFieldError, type BaseField, type ListFilter, type ListOptions } from '@visor/plugin-api';
import { checkPropertyName } from '../metadata/validate-image.js';
import { describeForbidden, firstForbidden, quoted } from '@visor/plugin-api';

export const MAX_LIMIT = 1000;
export const DEFAULT_LIMIT = 100;
const CONTROL_PARAMS = new Set(['sort', 'dir', 'limit', 'marker', 'cursor']);
const COLUMNS = new Set<string>(COLUMN_FIELDS);
const NUMERIC = new Set<BaseField>(['size', 'access_count']);

function single(query: URLSearchParams, name: string): string | undefined {
  const values = query.getAll(name);
  if (values.length > 1) throw new InvalidFieldError(name, `query parameter '${name}' is given ${values.length} times; give it once`);
  return values[0];
}

/** Turns `?architecture=x86_64&distro=debian&sort=name&limit=10` into list options; unknown sort or bad limit → 400. */
export function parseListQuery(query: URLSearchParams): ListOptions {
  const sort = single(query, 'sort') ?? 'created_at';
  if (!COLUMNS.has(sort)) {
    throw new InvalidFieldError('sort', `cannot sort by ${quoted(sort)}: sort by one of ${COLUMN_FIELDS.join(', ')}`, { details: { allowed: COLUMN_FIELDS } });
  }
  const dir = single(query, 'dir') ?? 'asc';
  if (dir !== 'asc' && dir !== 'desc') throw new InvalidFieldError('dir', `'dir' must be asc or desc; got ${quoted(dir)}`, { details: { allowed: ['asc', 'desc'] } });
  const rawLimit = single(query, 'limit');
  const limit = rawLimit === undefined ? DEFAULT_LIMIT : Number(rawLimit);
  if (!/^\d+$/.test(rawLimit ?? '1') || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new InvalidFieldError('limit', `'limit' must be a whole number from 1 to ${MAX_LIMIT}; got ${quoted(String(rawLimit))}`);
  }
  const marker = single(query, 'marker') ?? null;
  const cursor = single(query, 'cursor') ?? null;
  if (marker !== null && cursor !== null) throw new InvalidFieldError('cursor', "give 'cursor' (from a 'next' link) or 'marker' (an image id), not both");
  const filters: ListFilter[] = [];
  for (const name of new Set(query.keys())) {
    if (CONTROL_PARAMS.has(name)) continue;
    const value = single(query, name)!;
    // No stored value holds a character the text rules refuse (PostgreSQL refuses U+0000 in a query, too).
    const forbidden = firstForbidden(value, true);
    if (forbidden !== undefined) {
      throw new InvalidFieldError(name, `filter ${quoted(name)} ${describeForbidden(forbidden)}, which no stored value can hold`);
    }
    if (name === 'uri') throw new InvalidFieldError('uri', "'uri' is derived per request and cannot be filtered on; filter on 'id'");
    if (COLUMNS.has(name)) {
      if (NUMERIC.has(name as BaseField)) {
        if (!/^\d{1,16}$/.test(value)) throw new InvalidFieldError(name, `filter '${name}' must be a whole number; got ${quoted(value)}`);
        filters.push({ field: name, value: Number(value), property: false });
      } else {
        filters.push({ field: name, value, property: false });
      }
    } else {
      checkPropertyName(name);
      filters.push({ field: name, value, property: true });
    }
  }
  return { filters, sort, dir, limit, marker, cursor };
}

/** The query string of the next page: the same filters and order, with the new keyset cursor (and no marker). */
export function nextPageQuery(query: URLSearchParams, cursor: string): string {
  const next = new URLSearchParams(query);
  next.delete('marker');
  next.set('cursor', cursor);
  return next.toString();
}
