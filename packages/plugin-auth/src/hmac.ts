import { createHmac } from 'node:crypto';

/** base64(HMAC-SHA256(UTF-8 bytes of the secret string, message)), as the signing scheme defines it. */
export function hmacBase64(secretKey: string, message: string): string {
  return createHmac('sha256', Buffer.from(secretKey, 'utf8')).update(message, 'utf8').digest('base64');
}
