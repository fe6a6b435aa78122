import { ConfigError } from '../errors/config-errors.js';
import { rejectUnknownKeys } from './known-keys.js';

export type RawObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is RawObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `parent.child`, or `child` at the top level. */
export function childKey(parent: string | undefined, child: string): string {
  return parent === undefined ? child : `${parent}.${child}`;
}

/** How a wrong value is shown in a message. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return value.length > 60 ? `${JSON.stringify(value.slice(0, 60))}...` : JSON.stringify(value);
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'undefined':
      return 'nothing';
    case 'function':
      return 'a function';
    default:
      return 'an object';
  }
}

export function fail(key: string | undefined, expectation: string, value: unknown): never {
  throw new ConfigError(key, `${expectation} (found ${describeValue(value)})`);
}

/**
 * An object whose keys are all in `allowed`; an unknown key is reported with
 * its full dotted path and the nearest allowed key (see rejectUnknownKeys).
 * `subject` (e.g. `"backend s3"`) says whose settings these are in the message.
 */
export function expectObject(value: unknown, key: string | undefined, allowed: readonly string[], subject?: string): RawObject {
  if (!isPlainObject(value)) fail(key, 'must be an object', value);
  rejectUnknownKeys(value, key, allowed, subject);
  return value;
}

/**
 * An object of options, e.g. what a plugin or backend receives; absent means
 * `{}`. With `known`, a key not in it stops the start (see rejectUnknownKeys).
 */
export function expectOptions(value: unknown, key: string, known?: readonly string[], subject?: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) fail(key, 'must be an object of options', value);
  if (known !== undefined) rejectUnknownKeys(value, key, known, subject);
  return { ...value };
}

export function expectString(value: unknown, key: string): string {
  if (typeof value !== 'string' || value.trim() === '') fail(key, 'must be a non-empty string', value);
  return value;
}

export function expectInteger(value: unknown, key: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
    fail(key, `must be an integer ${range}`, value);
  }
  return value;
}

/** A number from `min` to `max` (fractions allowed). */
export function expectNumber(value: unknown, key: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) fail(key, `must be a number from ${min} to ${max}`, value);
  return value;
}

export function expectOneOf<T extends string>(value: unknown, key: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) fail(key, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value);
  return value as T;
}
