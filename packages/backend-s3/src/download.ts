import { PassThrough, addAbortSignal, type Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { BackendError, InvalidRangeError, skipToRange, type ByteRange } from '@visor/plugin-api';
import { s3Failure } from './errors.js';

export interface DownloadRequest {
  client: S3Client;
  bucket: string;
  objectKey: string;
  range: ByteRange | undefined;
  signal: AbortSignal | undefined;
  /**
   * The server does not serve ranges (capability `rangeReads: false`,
   * Cumulus): a range is still asked for, and a whole-object answer (200
   * without Content-Range) is served by reading from the start and skipping.
   */
  skipRanges?: boolean;
  /** Named in errors. */
  store: string;
  key: string;
}

/** A download and what the store said of the object. */
export interface Download {
  body: Readable;
  /** Bytes of the whole object. */
  size: number;
  /** Bytes `body` will yield: the range's length, or `size`. */
  length: number;
  etag: string | undefined;
  versionId: string | undefined;
}

/** `bytes 0-9/100` (RFC 9110 §14.4, Content-Range). */
const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+)$/;

function checkRangeShape(range: ByteRange, request: DownloadRequest): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || start > end) {
    throw new InvalidRangeError(request.store, request.key, `${start}-${end}: not a range of bytes`);
  }
}

/**
 * What the response says it holds, checked against what was asked: a
 * server that ignored the Range header (200 without Content-Range) is never
 * served as if it had honoured it, and a range running past the end (S3
 * answers it truncated, `bytes start-last/size`) is refused like the other
 * backends refuse it.
 */
function servedExtent(range: ByteRange | undefined, contentRange: string | undefined, contentLength: number | undefined, request: DownloadRequest): { size: number; length: number } {
  if (range === undefined) {
    if (contentLength === undefined) throw new BackendError(request.store, request.key, 'the server sent no Content-Length');
    return { size: contentLength, length: contentLength };
  }
  const served = CONTENT_RANGE.exec(contentRange ?? '');
  if (!served) throw new BackendError(request.store, request.key, 'the server ignored the Range header (no Content-Range in its answer)');
  const [first, last, size] = [Number(served[1]), Number(served[2]), Number(served[3])];
  if (range.end >= size) {
    const extent = size === 0 ? 'the object is empty' : `the object has bytes 0-${size - 1}`;
    throw new InvalidRangeError(request.store, request.key, `${range.start}-${range.end}: ${extent}`);
  }
  if (first !== range.start || last !== range.end) {
    throw new BackendError(request.store, request.key, `asked for bytes ${range.start}-${range.end}, the server sent ${first}-${last}`);
  }
  return { size, length: last - first + 1 };
}

/**
 * Relays the SDK's body (the HTTP response, read with backpressure) through
 * a PassThrough, so that a failure midway (the connection dropped, the
 * signal aborted) surfaces as an error naming store and key, and destroying
 * the result closes the connection.
 */
function relay(body: Readable, request: DownloadRequest): Readable {
  const out = new PassThrough({ highWaterMark: 1024 * 1024 });
  body.on('error', (error) => out.destroy(s3Failure(error, request.store, request.key, 'reading the object') as Error));
  out.on('close', () => body.destroy());
  body.pipe(out);
  if (request.signal) addAbortSignal(request.signal, out);
  return out;
}

interface GetAnswer {
  ContentRange?: string;
  ContentLength?: number;
  ETag?: string;
  VersionId?: string;
  $metadata: { httpStatusCode?: number };
}

/**
 * A range from a server that does not serve ranges. Its answer is checked
 * before any byte is served: a 206 must carry exactly the range asked for
 * (then it is used as is); a 200 must be the whole object, without a
 * Content-Range, and then the bytes before the range are read and dropped
 * (plugin-api's skipToRange). Anything else is an error, so a server
 * ignoring `Range` is never taken for one honouring it.
 */
function skipped(range: ByteRange, body: Readable, output: GetAnswer, request: DownloadRequest): Download {
  const status = output.$metadata.httpStatusCode;
  if (status === 206 || output.ContentRange !== undefined) {
    if (status !== 206 || output.ContentRange === undefined) throw new BackendError(request.store, request.key, `the server answered ${status} with Content-Range '${output.ContentRange ?? ''}'`);
    const extent = servedExtent(range, output.ContentRange, output.ContentLength, request);
    return { body: relay(body, request), ...extent, etag: output.ETag, versionId: output.VersionId };
  }
  if (status !== 200) throw new BackendError(request.store, request.key, `the server answered a ranged GetObject with ${status}`);
  const { size } = servedExtent(undefined, undefined, output.ContentLength, request);
  if (range.end >= size) {
    const extent = size === 0 ? 'the object is empty' : `the object has bytes 0-${size - 1}`;
    throw new InvalidRangeError(request.store, request.key, `${range.start}-${range.end}: ${extent}`);
  }
  const sliced = skipToRange(relay(body, request), range, { backend: request.store, key: request.key });
  return { body: sliced, size, length: range.end - range.start + 1, etag: output.ETag, versionId: output.VersionId };
}

/**
 * GetObject, with the range as an HTTP Range header. Rejects before any
 * byte flows for a missing object (ObjectNotFoundError), a range outside
 * the object (InvalidRangeError), or a store problem.
 */
export async function downloadObject(request: DownloadRequest): Promise<Download> {
  if (request.range) checkRangeShape(request.range, request);
  request.signal?.throwIfAborted();
  const { range } = request;
  let output;
  try {
    output = await request.client.send(
      new GetObjectCommand({ Bucket: request.bucket, Key: request.objectKey, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }),
      request.signal ? { abortSignal: request.signal } : {},
    );
  } catch (error) {
    throw s3Failure(error, request.store, request.key, 'GetObject');
  }
  const body = output.Body as Readable | undefined;
  if (!body) throw new BackendError(request.store, request.key, 'GetObject returned no body');
  try {
    if (range && request.skipRanges) return skipped(range, body, output, request);
    const extent = servedExtent(range, output.ContentRange, output.ContentLength, request);
    return { body: relay(body, request), ...extent, etag: output.ETag, versionId: output.VersionId };
  } catch (error) {
    body.destroy();
    throw error;
  }
}
