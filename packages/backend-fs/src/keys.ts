import { InvalidKeyError } from '@visor/plugin-api';

// A single path segment that cannot be `.`, `..` or hidden (the first
// character is alphanumeric), so it can never escape or shadow `.tmp`.
const SAFE_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

export function isSafeKey(key: string): boolean {
  return SAFE_KEY.test(key);
}

export function assertSafeKey(backend: string, key: string): void {
  if (!isSafeKey(key)) {
    throw new InvalidKeyError(backend, key, 'keys are 1-200 characters of A-Z a-z 0-9 . _ - starting with a letter or digit');
  }
}
