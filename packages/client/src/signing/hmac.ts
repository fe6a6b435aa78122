import { createHmac, timingSafeEqual } from 'node:crypto';

/** base64(HMAC-SHA256(key = UTF-8 bytes of the secret string, data = UTF-8 bytes of the message)). */
export function hmacBase64(secretKey: string, message: string): string {
  return createHmac('sha256', Buffer.from(secretKey, 'utf8')).update(message, 'utf8').digest('base64');
}

/**
 * Compares two strings in time that depends only on their lengths, not on where they differ.
 * Strings of different byte lengths are unequal (the comparison still runs, over a same-length copy).
 */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}
