import type { Readable } from 'node:stream';
import { SourceFetchError } from '../fetch/fetch-errors.js';
import type { SourceClient } from '../fetch/source-client.js';
import { byteWindow } from './byte-window.js';
import { contentLength, describeChanges, parseContentRange, validators, type SourceObject } from './source-object.js';
import { statusError } from './source-status.js';

export interface ReadRange {
  start: number;
  end: number;
}

function changed(host: string, changes: string[]): SourceFetchError {
  return new SourceFetchError('changed', host, `the object at ${host} changed since it was registered: ${changes.join(', ')}`);
}

/**
 * Streams the recorded object at `location` (or bytes `range.start` through
 * `range.end` of it), checking that it is still the object recorded.
 *
 * - A range is asked for with `Range`; a `206` must carry exactly that range
 *   (Content-Range) of an object of the recorded length; a `200` (the source
 *   ignores ranges) is read from the start and the bytes before the range
 *   are skipped, the connection closed once the range is served.
 * - ETag, Last-Modified and length (Content-Length, Content-Range's complete
 *   length, and the bytes actually received) are compared with the recorded
 *   ones: a difference rejects (or fails the stream) with SourceFetchError
 *   `changed` naming what changed.
 * - `404`/`410` reject with `status` (the caller reports the object missing),
 *   `416` with `changed` (the object shrank), other non-2xx with `status`.
 */
export async function readSource(client: SourceClient, location: string, recorded: SourceObject, range: ReadRange | undefined, signal?: AbortSignal): Promise<Readable> {
  const whole = range === undefined || (range.start === 0 && range.end === recorded.size - 1);
  const response = await client.open(location, { method: 'GET', ...(whole ? {} : { range }), ...(signal ? { signal } : {}) });
  const host = response.url.host;
  const refuse = (error: SourceFetchError) => {
    response.body.destroy();
    return error;
  };
  if (response.status === 416) throw refuse(changed(host, [`the range ${range?.start}-${range?.end} is no longer inside the object (416)`]));
  if (response.status !== 200 && response.status !== 206) throw statusError(response, 'to GET');

  let size: number | undefined;
  let skip = 0;
  if (response.status === 206) {
    const served = parseContentRange(response.headers['content-range']);
    if (whole || served === undefined) {
      throw refuse(new SourceFetchError('protocol', host, `${host} answered 206 with Content-Range '${response.headers['content-range'] ?? ''}' to ${whole ? 'a request without Range' : `Range bytes=${range!.start}-${range!.end}`}`));
    }
    size = served.complete;
    const changes = describeChanges(recorded, { ...validators(response.headers), ...(size === undefined ? {} : { size }) });
    if (changes.length > 0) throw refuse(changed(host, changes));
    if (served.first !== range!.start || served.last !== range!.end) {
      throw refuse(new SourceFetchError('protocol', host, `${host} answered bytes ${served.first}-${served.last} to Range bytes=${range!.start}-${range!.end}`));
    }
  } else {
    size = contentLength(response.headers);
    const changes = describeChanges(recorded, { ...validators(response.headers), ...(size === undefined ? {} : { size }) });
    if (changes.length > 0) throw refuse(changed(host, changes));
    skip = whole ? 0 : range!.start;
  }

  const count = whole ? recorded.size : range!.end - range!.start + 1;
  const window = byteWindow({
    skip,
    count,
    exactEnd: whole,
    tooShort: (received) => changed(host, [`the body ended after ${skip + received} bytes, before byte ${skip + count - 1}`]),
    tooLong: () => changed(host, [`the body is longer than the recorded ${recorded.size} bytes`]),
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
  return window;
}
