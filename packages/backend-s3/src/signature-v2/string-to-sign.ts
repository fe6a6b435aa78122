import { createHmac } from 'node:crypto';

/**
 * The query parameters that are part of the signed resource (AWS S3 API
 * reference, "Signing and authenticating REST requests (AWS signature
 * version 2)", "Constructing the CanonicalizedResource element": the
 * sub-resources and the `response-*` overrides; the same list as OpenStack
 * Swift's s3api, `ALLOWED_SUB_RESOURCES`). Any other parameter (`prefix`,
 * `max-keys`, the SDK's own `x-id`) is not signed.
 */
export const SIGNED_SUB_RESOURCES: ReadonlySet<string> = new Set([
  'acl',
  'cors',
  'delete',
  'lifecycle',
  'location',
  'logging',
  'notification',
  'partNumber',
  'policy',
  'requestPayment',
  'response-cache-control',
  'response-content-disposition',
  'response-content-encoding',
  'response-content-language',
  'response-content-type',
  'response-expires',
  'restore',
  'tagging',
  'torrent',
  'uploadId',
  'uploads',
  'versionId',
  'versioning',
  'versions',
  'website',
]);

/** Query values as the SDK holds them: decoded; `null` or `''` for a parameter without a value (`?uploads`). */
export type QueryValues = Record<string, string | string[] | null | undefined>;

/** The parts of a request Signature Version 2 covers. */
export interface SignableRequest {
  /** `GET`, `PUT` ... */
  method: string;
  /**
   * The path as sent on the wire (percent-encoded, without the query),
   * already without any prefix the signature leaves out. With path-style
   * addressing it starts with `/<bucket>`.
   */
  path: string;
  query?: QueryValues;
  /** Header names in any case. */
  headers: Record<string, string | undefined>;
  /**
   * Query-string authentication: the expiry (seconds since the epoch) that
   * takes the place of the Date ("Query string request authentication alternative").
   */
  expires?: number;
}

function header(headers: SignableRequest['headers'], name: string): string {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name && value !== undefined) return value.trim();
  }
  return '';
}

/**
 * CanonicalizedAmzHeaders: every `x-amz-*` header, names lower-cased and
 * sorted, values trimmed, repeated names joined with `,`, each `name:value\n`.
 */
export function canonicalAmzHeaders(headers: SignableRequest['headers']): string {
  const byName = new Map<string, string[]>();
  for (const [key, value] of Object.entries(headers)) {
    const name = key.toLowerCase().trim();
    if (!name.startsWith('x-amz-') || value === undefined) continue;
    byName.set(name, [...(byName.get(name) ?? []), value.trim().replace(/\s*\r?\n\s*/g, ' ')]);
  }
  return [...byName.keys()]
    .sort()
    .map((name) => `${name}:${byName.get(name)!.join(',')}\n`)
    .join('');
}

/**
 * CanonicalizedResource for a path-style request: the path as sent, then
 * the signed sub-resources sorted by name, with their decoded values
 * (`?partNumber=2&uploadId=abc`, `?uploads`).
 */
export function canonicalResource(path: string, query: QueryValues = {}): string {
  const parts: string[] = [];
  for (const name of Object.keys(query).filter((key) => SIGNED_SUB_RESOURCES.has(key)).sort()) {
    const raw = query[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    parts.push(value === null || value === undefined || value === '' ? name : `${name}=${value}`);
  }
  return parts.length === 0 ? path : `${path}?${parts.join('&')}`;
}

/**
 * StringToSign = Method \n Content-MD5 \n Content-Type \n Date \n
 * CanonicalizedAmzHeaders CanonicalizedResource. The Date line is empty
 * when an `x-amz-date` header is present (it is signed among the amz
 * headers instead), and holds `Expires` for query-string authentication.
 */
export function stringToSign(request: SignableRequest): string {
  const { headers } = request;
  const date = request.expires !== undefined ? String(request.expires) : header(headers, 'x-amz-date') !== '' ? '' : header(headers, 'date');
  return [
    request.method.toUpperCase(),
    header(headers, 'content-md5'),
    header(headers, 'content-type'),
    date,
    `${canonicalAmzHeaders(headers)}${canonicalResource(request.path, request.query)}`,
  ].join('\n');
}

/** Signature = Base64(HMAC-SHA1(secret access key, UTF-8 StringToSign)). */
export function signatureV2(secretAccessKey: string, request: SignableRequest): string {
  return createHmac('sha1', secretAccessKey).update(stringToSign(request), 'utf8').digest('base64');
}
