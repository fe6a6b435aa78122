import type { IncomingHttpHeaders } from 'node:http';

/** What identifies the current representation of a resource; null when it has none (an image without a file). */
export interface Validators {
  /** A strong entity tag, quoted: `"<md5 hex>"`; none for an image registered by location without an MD5. */
  etag?: string;
  lastModified: Date;
}

/** `W/"x"` and `"x"` compare equal (weak comparison, RFC 9110 section 8.8.3.2). */
function weakMatch(tag: string, etag: string): boolean {
  return tag.trim().replace(/^W\//, '') === etag;
}

/**
 * Whether a GET or HEAD is answered `304 Not Modified` (RFC 9110 section 13.2.2):
 * - `If-None-Match` (13.1.2) is evaluated first: `*` matches any current
 *   representation, a list matches when one of its entity tags weakly equals
 *   ours;
 * - only without `If-None-Match`, `If-Modified-Since` (13.1.3): not modified
 *   when the representation is not newer than the date (to the second); a date
 *   that does not parse, or lies in the future, is ignored.
 * `current` null (no representation) is never "not modified".
 * GET and HEAD of a resource must both go through this function, so they answer alike.
 */
export function isNotModified(headers: IncomingHttpHeaders, current: Validators | null, now = Date.now()): boolean {
  if (current === null) return false;
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() === '*') return true;
    const etag = current.etag;
    return etag !== undefined && ifNoneMatch.split(',').some((tag) => weakMatch(tag, etag));
  }
  const ifModifiedSince = headers['if-modified-since'];
  if (ifModifiedSince === undefined) return false;
  const since = Date.parse(ifModifiedSince);
  if (Number.isNaN(since) || since > now) return false;
  return Math.floor(current.lastModified.getTime() / 1000) <= Math.floor(since / 1000);
}

/** The validator headers both a 200 and a 304 carry. */
export function validatorHeaders(current: Validators): Record<string, string> {
  return {
    ...(current.etag === undefined ? {} : { etag: current.etag }),
    'last-modified': current.lastModified.toUTCString(),
  };
}
