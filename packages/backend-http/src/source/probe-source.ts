import { SourceFetchError } from '../fetch/fetch-errors.js';
import type { SourceClient, SourceResponse } from '../fetch/source-client.js';
import { contentLength, parseContentRange, validators, type SourceObject } from './source-object.js';
import { answered, statusError } from './source-status.js';

const ok = (response: SourceResponse) => response.status >= 200 && response.status < 300;

/**
 * Checks that `location` serves an object and learns its length and
 * validators: a `HEAD`; where the server refuses HEAD (any non-2xx answer,
 * e.g. 405, or 403 from URLs presigned for GET only) or sends no length, a
 * one-byte ranged `GET` (`Range: bytes=0-0`, length from Content-Range's
 * complete length, RFC 9110 §14.4) whose body is dropped.
 *
 * Rejects with SourceFetchError: `status` (the server's error answer),
 * `length` (no length either way), or what SourceClient.open rejects with.
 */
export async function probeSource(client: SourceClient, location: string, signal?: AbortSignal): Promise<SourceObject> {
  const head = await client.open(location, { method: 'HEAD', ...(signal ? { signal } : {}) });
  head.body.destroy();
  const headSize = ok(head) ? contentLength(head.headers) : undefined;
  if (headSize !== undefined) return { size: headSize, ...validators(head.headers) };

  const get = await client.open(location, { method: 'GET', range: { start: 0, end: 0 }, ...(signal ? { signal } : {}) });
  get.body.destroy();
  if (!ok(get)) throw statusError(get, `to GET (${ok(head) ? 'HEAD gave no length' : `HEAD: ${head.status}`})`);
  const size = get.status === 206 ? parseContentRange(get.headers['content-range'])?.complete : contentLength(get.headers);
  if (size === undefined) {
    throw new SourceFetchError('length', get.url.host, `${answered(get)} without the object's length (no Content-Length${get.status === 206 ? ' nor complete length in Content-Range' : ''})`);
  }
  return { size, ...validators(get.headers) };
}
