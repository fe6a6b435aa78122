import { authorizationHeader, signedPath } from './signing/index.js';
import { VisorClientError, errorFromResponse } from './errors.js';

export type FetchFunction = typeof fetch;

export interface TransportOptions {
  /** Base URL of the Visor server, e.g. `http://127.0.0.1:4568`. */
  url: string;
  accessKey?: string;
  secretKey?: string;
  fetch?: FetchFunction;
  /** Clock for `x-visor-date` and presigned expiry; tests replace it. */
  now?: () => Date;
}

export interface SendOptions {
  headers?: Record<string, string>;
  body?: RequestInit['body'];
  /** Set when the body is a stream (fetch needs `duplex: 'half'`). */
  streamed?: boolean;
}

/**
 * Sends requests to one Visor server: resolves paths against the base URL, signs every request
 * when keys are configured, and turns non-2xx answers into VisorClientError.
 */
export class Transport {
  readonly base: URL;
  private readonly accessKey: string | undefined;
  private readonly secretKey: string | undefined;
  private readonly fetchImpl: FetchFunction;
  readonly now: () => Date;

  constructor(options: TransportOptions) {
    this.base = new URL(options.url.endsWith('/') ? options.url : `${options.url}/`);
    if ((options.accessKey === undefined) !== (options.secretKey === undefined)) {
      throw new TypeError('give both accessKey and secretKey, or neither');
    }
    this.accessKey = options.accessKey;
    this.secretKey = options.secretKey;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
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

  /** Sends a request; returns the response when its status is 2xx or 304, else throws VisorClientError. */
  async send(method: string, pathOrUrl: string, options: SendOptions = {}): Promise<Response> {
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
    const init: RequestInit & { duplex?: 'half' } = { method, headers, redirect: 'manual' };
    if (options.body !== undefined && options.body !== null) init.body = options.body;
    if (options.streamed) init.duplex = 'half';
    let response: Response;
    try {
      response = await this.fetchImpl(url, init);
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      const message = cause instanceof Error ? cause.message : String(cause);
      const hint = options.streamed
        ? ' (the server may have refused the upload and closed the connection before the whole body was sent)'
        : '';
      throw new VisorClientError(0, 'NetworkError', `${method} ${url.href} failed: ${message}${hint}`, {}, { cause: error });
    }
    if ((response.status >= 200 && response.status < 300) || response.status === 304) return response;
    throw await errorFromResponse(response);
  }

  /** Sends a request and returns its JSON document. */
  async json<T>(method: string, pathOrUrl: string, options: SendOptions = {}): Promise<T> {
    const response = await this.send(method, pathOrUrl, options);
    return (await response.json()) as T;
  }
}
