import { signatureV2 } from './string-to-sign.js';
import { resolveV2Credentials, withoutPrefix, type V2CredentialSource } from './signer-v2.js';

export interface PresignV2Request {
  /** The endpoint as configured, e.g. `http://walrus:8773/services/Walrus` (no trailing slash). */
  endpoint: string;
  bucket: string;
  /** The object key, unencoded (`visor/images/<id>`). */
  objectKey: string;
  method: 'GET' | 'HEAD';
  /** Seconds the URL stays valid. */
  expiresIn: number;
  credentials: V2CredentialSource;
  /** As the signer's option: a path prefix left out of the signed resource. */
  unsignedPathPrefix?: string;
  /** The current time in ms since the epoch (the SDK's skew-corrected clock); default Date.now(). */
  now?: number;
}

/** Each segment percent-encoded as the SDK encodes a key (RFC 3986 unreserved characters and `/` kept). */
function encodeKey(key: string): string {
  return key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}

/**
 * A Signature Version 2 presigned URL (AWS S3 API reference, "Signing and
 * authenticating REST requests (AWS signature version 2)", "Query string
 * request authentication alternative"): path-style
 * `<endpoint>/<bucket>/<key>?AWSAccessKeyId=…&Expires=…&Signature=…`, where
 * Expires (seconds since the epoch) stands in the StringToSign's Date line.
 * With temporary credentials the session token travels as the query
 * parameter `x-amz-security-token` and is signed as an amz header. The URL
 * carries the access key id and a signature, never the secret key.
 */
export async function presignV2(request: PresignV2Request): Promise<string> {
  const credentials = await resolveV2Credentials(request.credentials);
  const url = new URL(request.endpoint);
  const path = `${url.pathname.replace(/\/+$/, '')}/${request.bucket}/${encodeKey(request.objectKey)}`;
  const expires = Math.floor((request.now ?? Date.now()) / 1000) + Math.ceil(request.expiresIn);
  const headers: Record<string, string> = credentials.sessionToken ? { 'x-amz-security-token': credentials.sessionToken } : {};
  const signature = signatureV2(credentials.secretAccessKey, { method: request.method, path: withoutPrefix(path, request.unsignedPathPrefix), headers, expires });
  const query = new URLSearchParams({ AWSAccessKeyId: credentials.accessKeyId, Expires: String(expires), Signature: signature, ...headers });
  return `${url.origin}${path}?${query.toString()}`;
}
