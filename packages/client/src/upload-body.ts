import { Readable } from 'node:stream';
import { ReadableStream } from 'node:stream/web';

/** What an upload accepts: bytes in memory, or a stream/iterable of chunks (streamed, never buffered). */
export type UploadBody = Readable | Buffer | Uint8Array | AsyncIterable<Uint8Array | string>;

async function* asBytes(source: AsyncIterable<unknown>): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    if (typeof chunk === 'string') yield Buffer.from(chunk, 'utf8');
    else if (chunk instanceof Uint8Array) yield chunk;
    else throw new TypeError(`upload chunks must be Uint8Array or string; got ${typeof chunk}`);
  }
}

/** Turns an upload body into a fetch body: bytes as they are, streams as a web ReadableStream. */
export function toFetchBody(body: UploadBody): { body: Uint8Array | ReadableStream<Uint8Array>; streamed: boolean } {
  if (body instanceof Uint8Array) return { body, streamed: false };
  if (body instanceof Readable || Symbol.asyncIterator in body) {
    return { body: ReadableStream.from(asBytes(body)), streamed: true };
  }
  throw new TypeError('upload body must be a Readable, a Buffer, a Uint8Array or an AsyncIterable');
}
