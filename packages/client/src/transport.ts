import { authorizationHeader, signedPath } from './signing/index.js';
import type { Answer } from './answer.js';
import { errorFromAnswer } from './errors.js';
import type { FetchFunction } from './fetch-sender.js';
import { sendWithHttp } from './http-sender.js';
import { isSuccess, type OutgoingRequest } from './outgoing-request.js';
import { TransferWatch } from './transfer-watch.js';
import { toRequestBody, type DigestTrailer, type UploadBody } from './upload-body.js';

export type { FetchFunction } from './fetch-sender.js';

export interface TransportOptions {
  /** Base URL of the Visor server, e.g. `http://127.0.0.1:4568`. */
  url: string;
  accessKey?: string;
  secretKey?: string;
  /** Send through this fetch function instead of node:http. */
  fetch?: FetchFunction;
  /** Clock for `x-visor-date` and presigned expiry; tests replace it. */
  now?: () => Date;
}

export interface SendOptions {
  headers?: Record<string, string>;
  /** A JSON or XML document as text, bytes, or a stream (sent chunked). */
  body?: UploadBody | string;
  /** Digests sent as HTTP trailers after a streamed body. */
  trailer?: DigestTrailer;
}

/**
 * Sends requests to one Visor server: resolves paths against the base URL, signs every request
 * when keys are configured, sends it with node:http(s) (or the `fetch` option), and turns
 * answers other than 2xx and 304 into VisorClientError.
 */
export class Transport {
  readonly base: URL;
  private readonly accessKey: string | undefined;
  private readonly secretKey: string | undefined;
  private readonly fetchImpl: FetchFunction | undefined;
  readonly now: () => Date;

  constructor(options: TransportOptions) {
    this.base = new URL(options.url.endsWith('/') ? options.url : `${options.url}/`);
    if ((options.accessKey === undefined) !== (options.secretKey === undefined)) {
      throw new TypeError('give both accessKey and secretKey, or neither');
    }
    this.accessKey = options.accessKey;
    this.secretKey = options.secretKey;
    this.fetchImpl = options.fetch;
    this.now = options.now ?? (() => new Date());
  }

  get keys(): { accessKey: string; secretKey: string } | undefined {
    return this.accessKey !== undefined && this.secretKey !== undefined
      ? { accessKey: this.accessKey, secretKey: this.secretKey }
      : undefined;
  }

  /** The absolute URL of a path relative to the base URL (`images/…`), or of an absolute URL. */
  resolve(pathOrUrl: string): URL {
    return new URL(pathOrUrl.replace(/^\//, ''), this.base);
  }

  /**
   * Sends a request; resolves with the answer when its status is 2xx or 304, else throws the
   * server's error as VisorClientError. A failure to connect or a lost connection throws a
   * VisorClientError with status 0 and code `NetworkError` (see NetworkFailureReason).
   */
  async send(method: string, pathOrUrl: string, options: SendOptions = {}): Promise<Answer> {
    const url = this.resolve(pathOrUrl);
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    const keys = this.keys;
    if (keys !== undefined) {
      headers['x-visor-date'] = this.now().toUTCString();
      headers.authorization = authorizationHeader(keys.accessKey, keys.secretKey, {
        method,
        path: signedPath(url.pathname, this.base.pathname),
        query: url.search.slice(1),
        headers,
      });
    }
    const out: OutgoingRequest = { method, url, headers, watch: new TransferWatch() };
    if (options.body !== undefined) out.body = toRequestBody(options.body);
    if (options.trailer !== undefined) {
      if (out.body?.stream === undefined) throw new TypeError('a digest trailer needs a streamed body (a Readable or an async iterable): bytes in memory are sent with their length, not chunked');
      out.trailer = options.trailer;
    }
    let answer: Answer;
    if (this.fetchImpl === undefined) answer = await sendWithHttp(out);
    else {
      const { sendWithFetch } = await import('./fetch-sender.js');
      answer = await sendWithFetch(this.fetchImpl, out);
    }
    if (isSuccess(answer.status)) return answer;
    throw await errorFromAnswer(answer);
  }

  /** Sends a request and returns its JSON document. */
  async json<T>(method: string, pathOrUrl: string, options: SendOptions = {}): Promise<T> {
    const answer = await this.send(method, pathOrUrl, options);
    return JSON.parse(await answer.text()) as T;
  }
}
