import type { LogLevel } from '../util/logger.js';
import { expectInteger, expectNumber, expectOneOf, expectString, fail } from '@visor/plugin-api';

/** Typed so that adding a LogLevel without listing it here fails to compile. */
const LOG_LEVEL_SET: Record<LogLevel, true> = { debug: true, info: true, warn: true, error: true, silent: true };
export const LOG_LEVELS = Object.keys(LOG_LEVEL_SET) as LogLevel[];

export function parseHost(value: unknown, key: string): string {
  return expectString(value, key);
}

export function parsePort(value: unknown, key: string): number {
  return expectInteger(value, key, 0, 65535);
}

/** A port given as text (an environment variable): digits only, 0-65535. */
export function parsePortText(text: string, key: string): number {
  if (!/^\d{1,5}$/.test(text.trim())) fail(key, 'must be an integer from 0 to 65535', text);
  return parsePort(Number(text.trim()), key);
}

/** Seconds given as text (an environment variable): a decimal number from `min` to `max`. */
export function parseSecondsText(text: string, key: string, min: number, max: number): number {
  if (!/^\d+(?:\.\d+)?$/.test(text.trim())) fail(key, `must be a number of seconds from ${min} to ${max}`, text);
  return expectNumber(Number(text.trim()), key, min, max);
}

export function parseLogLevel(value: unknown, key: string): LogLevel {
  return expectOneOf(value, key, LOG_LEVELS);
}

/**
 * An absolute http(s) URL, returned without trailing slashes. It may have a
 * path (Visor behind a proxy at /visor) but no query, fragment or credentials,
 * since image URIs are built by appending to it.
 */
export function parsePublicUrl(value: unknown, key: string): string {
  const expectation = 'must be an absolute http:// or https:// URL without query, fragment or credentials';
  if (typeof value !== 'string') fail(key, expectation, value);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail(key, expectation, value);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    fail(key, expectation, value);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
