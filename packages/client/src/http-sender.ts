import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { readText, type Answer } from './answer.js';
import { isConnectionLoss, networkFailure } from './network-failure.js';
import { announcedTrailer, isSuccess, trailerFields, type OutgoingRequest } from './outgoing-request.js';
import { TransferWatch } from './transfer-watch.js';
import type { DigestTrailer } from './upload-body.js';

type RequestFunction = typeof httpRequest;

let httpsRequest: Promise<RequestFunction> | undefined;

/** node:https (and with it TLS) is loaded only for an https:// server. */
function requestFunction(url: URL): RequestFunction | Promise<RequestFunction> {
  if (url.protocol === 'http:') return httpRequest;
  httpsRequest ??= import('node:https').then((https) => https.request);
  return httpsRequest;
}

/**
 * The answer of a node:http request: the IncomingMessage is the body, handed over as it is (no
 * web-stream conversion). A connection lost while the body is read destroys it with a
 * `NetworkError` that says what happened instead of Node's bare `aborted`.
 */
class HttpAnswer implements Answer {
  private made: Headers | undefined;

  constructor(
    readonly body: IncomingMessage,
    request: OutgoingRequest,
  ) {
    // Node destroys an answer cut short with `new ConnResetException('aborted')`, from its
    // socket's close handler; the explained error replaces it before the stream records it.
    const destroy = body.destroy.bind(body);
    body.destroy = (error?: Error) =>
      destroy(error !== undefined && error !== null && isConnectionLoss(error) ? networkFailure(error, { ...request, hasBody: request.body !== undefined }) : error);
  }

  get status(): number {
    return this.body.statusCode ?? 0;
  }

  get statusText(): string {
    return this.body.statusMessage ?? '';
  }

  header(name: string): string | undefined {
    const value = this.body.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : value;
  }

  *headerEntries(): Iterable<[string, string]> {
    for (const [name, value] of Object.entries(this.body.headers)) {
      if (value !== undefined) yield [name, Array.isArray(value) ? value.join(', ') : value];
    }
  }

  get headers(): Headers {
    this.made ??= new Headers([...this.headerEntries()]);
    return this.made;
  }

  text(): Promise<string> {
    return readText(this.body);
  }
}

/**
 * Feeds a streamed body into the request with backpressure (the source waits while the
 * connection's buffer is full), then the digest trailer if any, then ends the request.
 * Returns a function that stops feeding and destroys the source (the server answered early).
 */
function feed(source: Readable, req: ClientRequest, trailer: DigestTrailer | undefined, watch: TransferWatch, failed: (error: unknown) => void): () => void {
  let stopped = false;
  const onData = (chunk: Buffer) => {
    watch.sent(chunk.length);
    if (!req.write(chunk)) source.pause();
  };
  const onDrain = () => {
    if (!stopped) source.resume();
  };
  const onEnd = () => {
    req.off('drain', onDrain);
    if (stopped) return;
    const finish = (fields?: Record<string, string>) => {
      if (stopped || req.destroyed) return;
      if (fields !== undefined) req.addTrailers(fields);
      watch.bodySent = true;
      req.end();
    };
    if (trailer === undefined) finish();
    else trailer.digests().then((digests) => finish(trailerFields(trailer, digests)), failed);
  };
  const onError = (error: Error) => {
    if (!stopped) failed(error);
  };
  source.on('data', onData);
  source.once('end', onEnd);
  source.on('error', onError);
  req.on('drain', onDrain);
  return () => {
    if (stopped) return;
    stopped = true;
    source.off('data', onData);
    source.off('end', onEnd);
    req.off('drain', onDrain);
    if (!source.readableEnded) source.destroy();
  };
}

/** One attempt; `retry` is set on the rejection when the request may be sent again (see sendWithHttp). */
function attempt(request: RequestFunction, out: OutgoingRequest): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const { watch, body } = out;
    const headers = { ...out.headers };
    if (body?.bytes !== undefined) headers['content-length'] = String(body.bytes.length);
    if (out.trailer !== undefined) headers.trailer = announcedTrailer(out.trailer);
    const req = request(out.url, { method: out.method, headers });
    let settled = false;
    let sourceError: { error: unknown } | undefined;
    let stopBody = () => undefined as void;

    req.on('socket', (socket) => {
      const onData = (chunk: Buffer) => watch.received(chunk.length);
      // Node pauses the socket while the answer's reader has a full buffer: a silence of the
      // caller's making, in which a server's close goes unheard (see TransferWatch.release).
      const onPause = () => watch.hold();
      const onResume = () => watch.release();
      socket.on('data', onData);
      socket.on('pause', onPause);
      socket.on('resume', onResume);
      const detach = () => {
        socket.off('data', onData);
        socket.off('pause', onPause);
        socket.off('resume', onResume);
      };
      req.once('close', detach);
      req.once('response', (res: IncomingMessage) => res.once('end', detach));
    });
    req.on('response', (res: IncomingMessage) => {
      watch.answered = true;
      settled = true;
      // An answer without a body still ends only once read, and only then does its connection go
      // back to the agent: callers of HEAD or of a 204 never read, so read it here.
      if (out.method === 'HEAD' || res.statusCode === 204 || res.statusCode === 304) res.resume();
      if (!isSuccess(res.statusCode ?? 0) && body?.stream !== undefined && !watch.bodySent) {
        // Answered while the body was still being sent (a refusal, a size limit): stop sending,
        // and close this connection once the answer is read, since the body was left unfinished.
        stopBody();
        res.once('end', () => req.destroy());
      }
      resolve(new HttpAnswer(res, out));
    });
    // After the answer arrived, a socket error also reaches the answer (its body is cut short), which reports it.
    req.on('error', (error) => {
      if (settled) return;
      settled = true;
      stopBody();
      if (sourceError !== undefined) reject(sourceError.error);
      else {
        const failure = networkFailure(error, { ...out, hasBody: body !== undefined });
        const idempotent = (out.method === 'GET' || out.method === 'HEAD') && body === undefined;
        // A kept-alive connection the server closed just as this request went out: safe to send again.
        if (idempotent && req.reusedSocket && watch.bytesReceived === 0) Object.assign(failure, { retry: true });
        reject(failure);
      }
    });

    if (body === undefined) req.end();
    else if (body.bytes !== undefined) {
      watch.sent(body.bytes.length);
      watch.bodySent = true;
      req.end(body.bytes);
    } else {
      stopBody = feed(body.stream, req, out.trailer, watch, (error) => {
        sourceError = { error };
        req.destroy(error instanceof Error ? error : new Error(String(error)));
      });
    }
  });
}

/**
 * Sends a request with node:http or node:https through Node's global keep-alive agents: a
 * streamed body is piped with backpressure and sent chunked, with its digest trailer last; the
 * answer is handed over as soon as its head arrives, also while the body is still being sent (a
 * server refusing an upload early is read, not lost in a write error). A failure to connect or
 * a lost connection rejects with a `NetworkError` (see networkFailure); an error of the body's
 * source rejects with that error. A GET or HEAD on a kept-alive connection the server had just
 * closed is sent once more on a new one.
 */
export async function sendWithHttp(out: OutgoingRequest): Promise<Answer> {
  const request = await requestFunction(out.url);
  try {
    return await attempt(request, out);
  } catch (error) {
    if (!(error as { retry?: boolean }).retry) throw error;
    return attempt(request, { ...out, watch: new TransferWatch() });
  }
}
