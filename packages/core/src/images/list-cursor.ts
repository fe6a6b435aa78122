import { InvalidFieldError } from '@visor/plugin-api';
import { isUuid } from '../metadata/validate-image.js';

/** Where a page ends: the sort column's value in its last row (as the database returned it) and that row's id. */
export interface ListPosition {
  value: string | number | Date | null;
  id: string;
}

const VERSION = 1;
const BAD = "'cursor' is not a cursor this server issued for this listing: follow the 'next' link as given, with the same sort and dir";

/**
 * A keyset cursor, opaque to clients: base64url of `[1, sort, dir, value,
 * id]`, dates as `{"d": ISO 8601}`. It carries the position itself, so the
 * next page does not depend on any image still existing (a `marker` does).
 */
export function encodeCursor(sort: string, dir: 'asc' | 'desc', position: ListPosition): string {
  const value = position.value instanceof Date ? { d: position.value.toISOString() } : position.value;
  return Buffer.from(JSON.stringify([VERSION, sort, dir, value, position.id])).toString('base64url');
}

/**
 * Reads a cursor back; anything that is not one this server issued for the
 * same sort and dir (not base64url JSON of the right shape, another sort or
 * dir, an id that is not a UUID) is `400 InvalidField` naming `cursor`.
 */
export function decodeCursor(cursor: string, sort: string, dir: 'asc' | 'desc'): ListPosition {
  const bad = () => new InvalidFieldError('cursor', BAD);
  if (!/^[A-Za-z0-9_-]{1,2000}$/.test(cursor)) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== 5) throw bad();
  const [version, cursorSort, cursorDir, raw, id] = parsed as unknown[];
  if (version !== VERSION || cursorSort !== sort || cursorDir !== dir || typeof id !== 'string' || !isUuid(id)) throw bad();
  let value: ListPosition['value'];
  if (raw === null || typeof raw === 'string' || (typeof raw === 'number' && Number.isFinite(raw))) value = raw;
  else if (typeof raw === 'object' && Object.keys(raw).length === 1 && typeof (raw as { d?: unknown }).d === 'string') {
    const date = new Date((raw as { d: string }).d);
    if (Number.isNaN(date.getTime())) throw bad();
    value = date;
  } else throw bad();
  return { value, id: id.toLowerCase() };
}
