import { Readable } from 'node:stream';
import { ReadableStream } from 'node:stream/web';
import { readText, type Answer } from './answer.js';
import { VisorClientError } from './errors.js';
import { isConnectionLoss, networkFailure } from './network-failure.js';
import type { OutgoingRequest } from './outgoing-request.js';
import type { TransferWatch } from './transfer-watch.js';

/** A fetch implementation (the `fetch` option): the global `fetch` or one with the same signature. */
export type FetchFunction = typeof fetch;

async function* countedSend(source: Readable, watch: TransferWatch): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array);
    watch.sent(bytes.length);
    yield bytes;
  }
  watch.bodySent = true;
}

/**
 * The answer's chunks, counted as received. Until the reader asks for the next one, the client
 * holds off (TransferWatch.hold): undici stops reading the connection once its buffer is full.
 */
async function* countedReceive(body: AsyncIterable<Uint8Array>, out: OutgoingRequest): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of body) {
      out.watch.received(chunk.length);
      out.watch.hold();
      yield chunk;
      out.watch.release();
    }
  } catch (error) {
    throw isConnectionLoss(error) ? networkFailure(error, { ...out, hasBody: out.body !== undefined }) : error;
  }
}

class FetchAnswer implements Answer {
  readonly body: Readable;

  constructor(
    private readonly response: Response,
    out: OutgoingRequest,
  ) {
    this.body = response.body === null ? Readable.from([]) : Readable.from(countedReceive(response.body as AsyncIterable<Uint8Array>, out), { objectMode: false });
  }

  get status(): number {
    return this.response.status;
  }

  get statusText(): string {
    return this.response.statusText;
  }

  get headers(): Headers {
    return this.response.headers;
  }

  header(name: string): string | undefined {
    return this.response.headers.get(name) ?? undefined;
  }

  headerEntries(): Iterable<[string, string]> {
    return this.response.headers.entries();
  }

  text(): Promise<string> {
    return readText(this.body);
  }
}

/**
 * Sends a request with a fetch function (the client's `fetch` option): a streamed body goes as
 * a web ReadableStream (`duplex: 'half'`). Fetch cannot send HTTP trailers, so a digest trailer
 * is refused with a TypeError. Failures reject as `sendWithHttp`'s do.
 */
export async function sendWithFetch(fetchImpl: FetchFunction, out: OutgoingRequest): Promise<Answer> {
  if (out.trailer !== undefined) {
    throw new TypeError('a digest trailer needs the built-in node:http transport: fetch cannot send HTTP trailers (leave the fetch option out, or declare the digests in advance)');
  }
  const init: RequestInit & { duplex?: 'half' } = { method: out.method, headers: out.headers, redirect: 'manual' };
  let sourceError: { error: unknown } | undefined;
  if (out.body?.bytes !== undefined) {
    init.body = out.body.bytes;
    out.watch.sent(out.body.bytes.length);
    out.watch.bodySent = true;
  } else if (out.body?.stream !== undefined) {
    const source = out.body.stream;
    source.once('error', (error) => (sourceError = { error }));
    init.body = ReadableStream.from(countedSend(source, out.watch)) as unknown as RequestInit['body'];
    init.duplex = 'half';
  }
  let response: Response;
  try {
    response = await fetchImpl(out.url, init);
  } catch (error) {
    if (sourceError !== undefined) throw sourceError.error;
    const failure = networkFailure(error, { ...out, hasBody: out.body !== undefined });
    if (out.body?.stream === undefined || failure.details.reason !== 'ConnectionClosed') throw failure;
    throw new VisorClientError(
      0,
      'NetworkError',
      `${failure.message}; with the fetch option, an answer the server sent before the whole body arrived cannot be read: it may have refused the upload; the default transport reads it`,
      failure.details,
      { cause: error },
    );
  } finally {
    if (out.body?.stream !== undefined && !out.watch.bodySent) out.body.stream.destroy();
  }
  out.watch.answered = true;
  return new FetchAnswer(response, out);
}
