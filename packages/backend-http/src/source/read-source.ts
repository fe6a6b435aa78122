import type { Readable } from 'node:stream';
import { SourceFetchError } from '../fetch/fetch-errors.js';
import type { SourceClient } from '../fetch/source-client.js';
import { byteWindow } from './byte-window.js';
import { contentLength, describeChanges, parseContentRange, unsatisfiedRangeLength, validators, type SourceObject } from './source-object.js';
import { statusError } from './source-status.js';

export interface ReadRange {
  start: number;
  end: number;
}

/** A source object being read. */
export interface SourceRead {
  /** The bytes of the range (or the whole object), exactly as many as asked for. */
  body: Readable;
  /** What the source says of the object now: its whole length and validators. */
  object: SourceObject;
}

function changed(host: string, changes: string[]): SourceFetchError {
  return new SourceFetchError('changed', host, `the object at ${host} changed since it was registered: ${changes.join(', ')}`);
}

/**
 * Streams the object at `location` (or bytes `range.start` through
 * `range.end` of it) and tells what the source says of it now.
 *
 * - A range is asked for with `Range`; a `206` must carry exactly that range
 *   (Content-Range, RFC 9110 §14.4); a `200` (the source ignores ranges) is
 *   read from the start, the bytes before the range skipped and the
 *   connection closed once the range is served.
 * - The object's length comes from Content-Range's complete length or
 *   Content-Length (else `expected.size`; with neither, a `length` failure);
 *   the bytes received are held to it: a body ending early or running long
 *   fails the stream with `changed`.
 * - `fallbackSize` (bytes, the image record's size) stands in only for a
 *   length the answer lacks (chunked transfer coding), and is held to like one.
 * - With `expected` (what was recorded at registration), a different length,
 *   ETag or Last-Modified rejects with `changed` naming each difference.
 * - A range outside the object (a `416`, or beyond the length a `200`
 *   tells) rejects with `range`, or with `changed` when `expected` says the
 *   object was longer; other non-2xx answers reject with `status` (a
 *   404/410 means the object is gone).
 */
export async function readSource(
  client: SourceClient,
  location: string,
  range: ReadRange | undefined,
  expected?: SourceObject,
  signal?: AbortSignal,
  fallbackSize?: number,
): Promise<SourceRead> {
  const whole = range === undefined;
  if (range && (range.start > range.end || range.start < 0)) {
    throw new SourceFetchError('range', '', `range ${range.start}-${range.end} is not a range of bytes (start after end)`);
  }
  const response = await client.open(location, { method: 'GET', ...(whole ? {} : { range }), ...(signal ? { signal } : {}) });
  const host = response.url.host;
  const refuse = (error: SourceFetchError) => {
    response.body.destroy();
    return error;
  };
  if (response.status === 416) {
    const complete = unsatisfiedRangeLength(response.headers['content-range']);
    const beyond = `${host} answered 416: range ${range?.start}-${range?.end} is outside the object${complete === undefined ? '' : ` of ${complete} bytes`}`;
    throw refuse(expected ? changed(host, [`${beyond}, recorded with ${expected.size} bytes`]) : new SourceFetchError('range', host, beyond));
  }
  if (response.status !== 200 && response.status !== 206) throw statusError(response, 'to GET');

  let size: number | undefined;
  let skip = 0;
  if (response.status === 206) {
    const served = parseContentRange(response.headers['content-range']);
    if (whole || served === undefined) {
      throw refuse(new SourceFetchError('protocol', host, `${host} answered 206 with Content-Range '${response.headers['content-range'] ?? ''}' to ${whole ? 'a request without Range' : `Range bytes=${range.start}-${range.end}`}`));
    }
    if (served.complete !== undefined && range.end >= served.complete) {
      // The server cut the range at the object's end (RFC 9110 §14.1.2).
      const beyond = `range ${range.start}-${range.end} is outside the object of ${served.complete} bytes`;
      throw refuse(expected ? changed(host, [beyond]) : new SourceFetchError('range', host, beyond));
    }
    if (served.first !== range.start || served.last !== range.end) {
      throw refuse(new SourceFetchError('protocol', host, `${host} answered bytes ${served.first}-${served.last} to Range bytes=${range.start}-${range.end}`));
    }
    size = served.complete;
  } else {
    size = contentLength(response.headers);
    skip = whole ? 0 : range.start;
  }
  const now = { ...validators(response.headers), ...(size === undefined ? {} : { size }) };
  if (expected) {
    const changes = describeChanges(expected, now);
    if (changes.length > 0) throw refuse(changed(host, changes));
  }
  const total = size ?? expected?.size ?? fallbackSize;
  if (total === undefined) throw refuse(new SourceFetchError('length', host, `${host} no longer tells the object's length (no Content-Length)`));
  if (!whole && range.end >= total) {
    const beyond = `range ${range.start}-${range.end} is outside the object of ${total} bytes`;
    throw refuse(expected ? changed(host, [beyond]) : new SourceFetchError('range', host, beyond));
  }

  const count = whole ? total : range.end - range.start + 1;
  const window = byteWindow({
    skip,
    count,
    // A 206's body is the range itself: it must end there. A whole body must end at the object's length.
    exactEnd: whole || response.status === 206,
    tooShort: (received) => changed(host, [`the body ended after ${skip + received} bytes, before byte ${skip + count - 1}`]),
    tooLong: () => changed(host, [`the body runs past the ${whole ? `object's ${total} bytes` : 'range'}`]),
  });
  const body = response.body;
  body.on('error', (error) => window.destroy(error));
  // Stops the source once the window is served (a source that ignored Range would send the rest) or dropped.
  const stop = () => {
    body.destroy();
    window.destroy();
  };
  window.on('end', stop);
  window.on('close', stop);
  body.pipe(window);
  return { body: window, object: { ...now, size: total } };
}
