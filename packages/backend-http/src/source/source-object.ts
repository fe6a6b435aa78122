import type { IncomingHttpHeaders } from 'node:http';

/**
 * What Visor records of a source object at registration, to recognise it
 * later: its length in bytes and, where the server sends them, its ETag
 * (RFC 9110 §8.8.3, compared as sent, weak or strong) and Last-Modified
 * (§8.8.2, compared as text).
 */
export interface SourceObject {
  size: number;
  etag?: string;
  lastModified?: string;
}

/** `Content-Range: bytes first-last/complete` (RFC 9110 §14.4); `complete` may be `*`. */
export interface ContentRange {
  first: number;
  last: number;
  complete: number | undefined;
}

export function parseContentRange(value: string | undefined): ContentRange | undefined {
  const match = value === undefined ? null : /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(value.trim());
  if (!match) return undefined;
  return { first: Number(match[1]), last: Number(match[2]), complete: match[3] === '*' ? undefined : Number(match[3]) };
}

/** The complete length a 416 sends in Content-Range (`bytes *` slash length, RFC 9110 §14.4), when sent. */
export function unsatisfiedRangeLength(value: string | undefined): number | undefined {
  const match = value === undefined ? null : /^bytes \*\/(\d+)$/.exec(value.trim());
  return match ? Number(match[1]) : undefined;
}

/** Content-Length as a number, or undefined when absent or malformed. */
export function contentLength(headers: IncomingHttpHeaders): number | undefined {
  const value = headers['content-length'];
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** The validators of a response (ETag, Last-Modified), those present. */
export function validators(headers: IncomingHttpHeaders): Omit<SourceObject, 'size'> {
  return {
    ...(typeof headers.etag === 'string' && headers.etag !== '' ? { etag: headers.etag } : {}),
    ...(typeof headers['last-modified'] === 'string' && headers['last-modified'] !== '' ? { lastModified: headers['last-modified'] } : {}),
  };
}

/**
 * What differs between the recorded object and what a source answers now,
 * as phrases for a message (`ETag "a" → "b"`); empty when nothing does. A
 * validator the server does not send now, or did not send at registration,
 * is not compared: only a value that changed counts.
 */
export function describeChanges(recorded: SourceObject, now: Partial<SourceObject>): string[] {
  const changes: string[] = [];
  if (now.size !== undefined && now.size !== recorded.size) changes.push(`length ${recorded.size} → ${now.size} bytes`);
  if (recorded.etag !== undefined && now.etag !== undefined && now.etag !== recorded.etag) changes.push(`ETag ${recorded.etag} → ${now.etag}`);
  if (recorded.lastModified !== undefined && now.lastModified !== undefined && now.lastModified !== recorded.lastModified) {
    changes.push(`Last-Modified ${recorded.lastModified} → ${now.lastModified}`);
  }
  return changes;
}
