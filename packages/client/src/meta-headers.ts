/** The `x-image-meta-*` header form of image metadata (docs/rest-api.md, HEAD and octet-stream POST). */

const PREFIX = 'x-image-meta-';
const NUMERIC = new Set(['size', 'access_count']);

/** Percent-encodes a value for an x-image-meta-* header (UTF-8; unreserved characters kept). */
export function encodeMetaValue(value: string): string {
  return encodeURIComponent(value);
}

/** Headers for registration metadata: `-` for `_` in names, values percent-encoded, `null`/`undefined` left out. */
export function toMetaHeaders(fields: Record<string, unknown>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (value === null || value === undefined) continue;
    headers[`${PREFIX}${name.replace(/_/g, '-')}`] = encodeMetaValue(String(value));
  }
  return headers;
}

/**
 * Reads image metadata from the x-image-meta-* headers of a HEAD or download answer: a
 * `Headers` object, [name, value] pairs, or Node's headers record (`IncomingMessage.headers`).
 * Values are percent-decoded strings, except `size` and `access_count`, which are numbers.
 */
export function fromMetaHeaders(
  headers: Headers | Iterable<[string, string]> | Record<string, string | string[] | undefined>,
): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  const entries: Iterable<[string, string | string[] | undefined]> =
    Symbol.iterator in headers ? (headers as Iterable<[string, string]>) : Object.entries(headers);
  for (const [given, sent] of entries) {
    const name = given.toLowerCase();
    if (!name.startsWith(PREFIX) || sent === undefined) continue;
    const raw = Array.isArray(sent) ? sent.join(', ') : sent;
    const field = name.slice(PREFIX.length);
    let value: string;
    try {
      value = decodeURIComponent(raw);
    } catch {
      value = raw;
    }
    out[field] = NUMERIC.has(field) && /^\d+$/.test(value) ? Number(value) : value;
  }
  return out;
}
