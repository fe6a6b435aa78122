import { hmacBase64 } from './hmac.js';
import { type SignableRequest, stringToSign } from './string-to-sign.js';

/** The signature of a request: base64 HMAC-SHA256 of its StringToSign with the secret key. */
export function sign(secretKey: string, request: SignableRequest): string {
  return hmacBase64(secretKey, stringToSign(request));
}

/** The value of the `Authorization` header: `VISOR <access_key>:<signature>`. */
export function authorizationHeader(accessKey: string, secretKey: string, request: SignableRequest): string {
  return `VISOR ${accessKey}:${sign(secretKey, request)}`;
}

const AUTHORIZATION = /^VISOR ([A-Za-z0-9._-]{3,64}):([A-Za-z0-9+/]+={0,2})$/;

/**
 * Parses an `Authorization: VISOR <access_key>:<signature>` header value (surrounding blanks ignored).
 * Returns undefined when it is not of that form: another scheme, a malformed access key
 * (`[A-Za-z0-9._-]{3,64}`), or a signature that is not base64.
 */
export function parseAuthorization(header: string): { accessKey: string; signature: string } | undefined {
  const match = AUTHORIZATION.exec(header.trim());
  if (match === null) return undefined;
  return { accessKey: match[1] as string, signature: match[2] as string };
}
