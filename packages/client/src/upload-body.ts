import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';

/** What an upload accepts: bytes in memory, or a stream/iterable of chunks (streamed, never buffered). */
export type UploadBody = Readable | Buffer | Uint8Array | AsyncIterable<Uint8Array | string>;

/** A request body as the transports take it: bytes sent with a Content-Length, or a stream sent chunked. */
export type RequestBody = { bytes: Uint8Array; stream?: undefined } | { stream: Readable; bytes?: undefined };

async function* asBytes(source: AsyncIterable<unknown>): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    if (typeof chunk === 'string') yield Buffer.from(chunk, 'utf8');
    else if (chunk instanceof Uint8Array) yield chunk;
    else throw new TypeError(`upload chunks must be Uint8Array or string; got ${typeof chunk}`);
  }
}

/** Bytes as they are; a Readable as it is; any other async iterable as a Readable of its chunks (checked to be bytes or strings). */
export function toRequestBody(body: UploadBody | string): RequestBody {
  if (typeof body === 'string') return { bytes: Buffer.from(body, 'utf8') };
  if (body instanceof Uint8Array) return { bytes: body };
  if (body instanceof Readable) return { stream: body };
  if (body !== null && typeof body === 'object' && Symbol.asyncIterator in body) return { stream: Readable.from(asBytes(body), { objectMode: false }) };
  throw new TypeError('upload body must be a Readable, a Buffer, a Uint8Array or an AsyncIterable');
}

/** The image fields a digest trailer may carry, and their header names. */
export const TRAILER_FIELDS = { checksum: 'x-image-meta-checksum', sha256: 'x-image-meta-sha256' } as const;

/**
 * Digests of an upload's body that are known only once the body has been read (computed while
 * it is sent): they go after the body as HTTP trailer fields (RFC 9110 section 6.5, RFC 9112
 * section 7.1.2), announced in the `Trailer` header, and the server checks them before it
 * stores anything (`400 BadDigest` on a mismatch). Needs a streamed body (sent chunked) and the
 * built-in node:http transport: `fetch` cannot send trailers.
 */
export interface DigestTrailer {
  /** The digests the trailer holds, announced before the body: `checksum` (MD5) and/or `sha256`. */
  fields: ReadonlyArray<keyof typeof TRAILER_FIELDS>;
  /** Called once the body has ended; resolves with each announced digest in hex. Its rejection fails the upload. */
  digests(): Promise<{ checksum?: string; sha256?: string }>;
}

/**
 * Wraps an upload body so that its digests are computed on this thread as it is sent, and
 * returns the body with the DigestTrailer that sends them: one pass over the bytes, and the
 * server refuses a body that does not match. `fields` defaults to `['sha256']`.
 */
export function hashWhileSending(
  body: Readable | AsyncIterable<Uint8Array | string>,
  fields: DigestTrailer['fields'] = ['sha256'],
): { body: Readable; trailer: DigestTrailer } {
  const hashes = fields.map((field) => [field, createHash(field === 'checksum' ? 'md5' : 'sha256')] as const);
  let done: () => void;
  const ended = new Promise<void>((resolve) => (done = resolve));
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      for (const [, hash] of hashes) hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      done();
      callback();
    },
  });
  const source = body instanceof Readable ? body : toRequestBody(body).stream!;
  source.on('error', (error) => hashing.destroy(error));
  source.pipe(hashing);
  return {
    body: hashing,
    trailer: {
      fields,
      digests: async () => {
        await ended;
        return Object.fromEntries(hashes.map(([field, hash]) => [field, hash.digest('hex')]));
      },
    },
  };
}
