import { UsageError } from '../errors/exit-codes.js';
import { BASE_FIELDS, ENUMS, PROPERTY_NAME, SERVER_FIELDS, WRITABLE_FIELDS } from './image-fields.js';
import { nearest } from './nearest.js';

export type FieldValue = string | number | boolean | null;

/**
 * One `k=v` argument, split on the first `=` only (so `location=http://h/x?a=b` keeps its
 * query). `k:=v` takes a JSON value instead of a string: `cores:=4`, `lts:=true`, `kernel:=null`.
 * A leading `+` (`+arch=x`) marks a custom property whose name looks like a typo of a field.
 */
export interface KeyValue {
  key: string;
  value: FieldValue;
  /** Written with a leading `+`: never taken for a typo. */
  forcedProperty: boolean;
}

export function parseKeyValue(argument: string): KeyValue {
  const eq = argument.indexOf('=');
  if (eq <= 0) throw new UsageError(`'${argument}' is not k=v: write the field name, '=', then the value`);
  let key = argument.slice(0, eq);
  let raw: string | undefined;
  let value: FieldValue;
  if (key.endsWith(':')) {
    key = key.slice(0, -1);
    raw = argument.slice(eq + 1);
    try {
      value = JSON.parse(raw) as FieldValue;
    } catch {
      throw new UsageError(`'${key}:=${raw}': after ':=' comes a JSON value (a number, true, false, null or a "string")`);
    }
    if (value !== null && typeof value === 'object') throw new UsageError(`'${key}': a value is a string, a number, a boolean or null, not ${JSON.stringify(value)}`);
  } else {
    value = argument.slice(eq + 1);
  }
  const forcedProperty = key.startsWith('+');
  if (forcedProperty) key = key.slice(1);
  return { key, value, forcedProperty };
}

/** Throws a UsageError naming the nearest field when `key` is neither a field nor a valid property name, or looks like a typo. */
export function checkKey(kv: KeyValue, fields: readonly string[] = BASE_FIELDS): void {
  const { key } = kv;
  if (fields.includes(key)) return;
  const suggestion = nearest(key, fields);
  if (!PROPERTY_NAME.test(key)) {
    throw new UsageError(
      `unknown field '${key}'${suggestion ? `: did you mean '${suggestion}'?` : ''} (custom property names are lower-case letters, digits and '_', starting with a letter)`,
    );
  }
  if (suggestion !== undefined && !kv.forcedProperty) {
    throw new UsageError(`unknown field '${key}': did you mean '${suggestion}'? (to set a custom property named '${key}', write '+${key}=…')`);
  }
}

/** Checks an enumerated field's value locally, suggesting the nearest allowed one. */
export function checkEnumValue(key: string, value: FieldValue): void {
  const allowed = ENUMS[key];
  if (allowed === undefined || value === null) return;
  if (typeof value !== 'string' || !allowed.includes(value)) {
    const suggestion = typeof value === 'string' ? nearest(value, allowed) : undefined;
    throw new UsageError(
      `'${key}' must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}${suggestion ? `: did you mean '${suggestion}'?` : ''}`,
    );
  }
}

/** Fields for a registration or an update from k=v arguments: server-set fields refused, enums and names checked. */
export function fieldsFromArguments(args: readonly string[]): Record<string, FieldValue> {
  const fields: Record<string, FieldValue> = {};
  for (const argument of args) {
    const kv = parseKeyValue(argument);
    if ((SERVER_FIELDS as readonly string[]).includes(kv.key)) {
      throw new UsageError(`'${kv.key}' is set by the server and cannot be given; fields you may set: ${WRITABLE_FIELDS.join(', ')} and custom properties`);
    }
    checkKey(kv);
    checkEnumValue(kv.key, kv.value);
    fields[kv.key] = kv.value;
  }
  return fields;
}

/** Exact-match filters from `--filter k=v` arguments (any base field but `uri`, or a custom property). */
export function filtersFromArguments(args: readonly string[]): Record<string, string> {
  const filters: Record<string, string> = {};
  for (const argument of args) {
    const kv = parseKeyValue(argument);
    if (kv.key === 'uri') throw new UsageError("cannot filter on 'uri': it is built per request");
    checkKey(kv);
    checkEnumValue(kv.key, kv.value);
    if (kv.value === null) throw new UsageError(`'${kv.key}': there is no way to filter on null`);
    filters[kv.key] = String(kv.value);
  }
  return filters;
}
