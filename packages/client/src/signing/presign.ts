import { hmacBase64 } from './hmac.js';

/** The string a presigned URL signs: `METHOD\n\n\n<expires>\n<path>`. */
export function presignString(method: 'GET' | 'HEAD', path: string, expires: number): string {
  return `${method}\n\n\n${expires}\n${path}`;
}

/**
 * The query string (without `?`) of a presigned URL: `access_key=…&expires=…&signature=…`,
 * each value percent-encoded. `expires` is in Unix seconds; `path` as it will be sent.
 */
export function presign(
  accessKey: string,
  secretKey: string,
  method: 'GET' | 'HEAD',
  path: string,
  expires: number,
): string {
  if (!Number.isSafeInteger(expires) || expires < 0) throw new RangeError(`expires must be whole Unix seconds; got ${expires}`);
  const signature = hmacBase64(secretKey, presignString(method, path, expires));
  return `access_key=${encodeURIComponent(accessKey)}&expires=${expires}&signature=${encodeURIComponent(signature)}`;
}
