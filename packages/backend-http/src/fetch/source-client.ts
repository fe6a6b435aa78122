import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import type { AddressPolicy } from './address-policy.js';
import { SourceFetchError } from './fetch-errors.js';
import { guardedLookup, type LookupFunction } from './guarded-lookup.js';
import { idleGuardedBody } from './idle-guard.js';
import { bareHostname, parseSourceUrl } from './source-url.js';

/** Statuses that redirect (RFC 9110 §15.4); 300 and 304 are not followed. */
const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

export interface SourceClientOptions {
  /** The SSRF guard: which hosts and addresses may be connected to. */
  policy: AddressPolicy;
  /** The resolver under the guard (default dns.lookup); tests inject one so that no real DNS is asked. */
  lookup?: LookupFunction;
  /** Milliseconds from starting a request to an established connection (DNS, TCP and TLS handshake). */
  connectTimeoutMs: number;
  /** Milliseconds the source may stay silent while an answer or more body bytes are awaited. */
  idleTimeoutMs: number;
  /** Redirects followed before giving up. */
  maxRedirects: number;
  /** Static headers sent with every request to the origin of the registered URL (not to other origins redirects lead to). */
  headers: Readonly<Record<string, string>>;
  /** CA certificates (PEM) trusted for https sources instead of Node's bundled ones. */
  ca?: string;
  /** Verify https sources' certificates (default true). */
  rejectUnauthorized: boolean;
}

export interface SourceRequest {
  method: 'HEAD' | 'GET';
  /** Inclusive byte range asked for with `Range: bytes=start-end`. */
  range?: { start: number; end: number };
  signal?: AbortSignal;
}

/** A source's final answer, after redirects. */
export interface SourceResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The URL that answered (the last redirect's target). */
  url: URL;
  /** How many redirects led there. */
  redirects: number;
  /** The body (empty for HEAD), streamed with backpressure and an idle timeout; destroy it when not read. */
  body: Readable;
}

const USER_AGENT = 'Visor-backend-http/0.1';

/**
 * HTTP(S) client for image sources, guarded against SSRF. Built on
 * node:http/https: their Agent takes a `lookup` that net.connect uses for
 * the connection itself, so the guard judges the very address connected
 * to; responses are Node streams with backpressure; no dependency.
 *
 * Every hop (the registered URL and each redirect target) is parsed by
 * `parseSourceUrl` (http/https only, no credentials) and its address
 * judged: IP literals before connecting, names by the guarded lookup.
 * Redirects are followed by hand, at most `maxRedirects`.
 */
export class SourceClient {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(private readonly options: SourceClientOptions) {
    const lookup = guardedLookup(options.policy, options.lookup);
    this.httpAgent = new http.Agent({ keepAlive: true, lookup } as http.AgentOptions);
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      lookup,
      rejectUnauthorized: options.rejectUnauthorized,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
    } as https.AgentOptions);
  }

  /**
   * Requests `location`, following redirects. Resolves with the first answer
   * that is not a redirect, whatever its status (the caller judges it).
   * Rejects with SourceFetchError: `refused` (URL or address not allowed,
   * nothing sent), `unreachable`, `timeout`, `redirects` (more than
   * maxRedirects, or a redirect without Location).
   */
  async open(location: string, request: SourceRequest): Promise<SourceResponse> {
    const origin = parseSourceUrl(location);
    let url = origin;
    for (let redirects = 0; ; redirects++) {
      const response = await this.hop(url, request, url.origin === origin.origin);
      const status = response.statusCode ?? 0;
      if (!REDIRECTS.has(status)) {
        const body = request.method === 'HEAD' ? emptyBody(response) : idleGuardedBody(response, this.options.idleTimeoutMs, url.host);
        return { status, headers: response.headers, url, redirects, body };
      }
      response.destroy();
      const target = response.headers.location;
      if (target === undefined) throw new SourceFetchError('redirects', url.host, `${url.host} answered ${status} without a Location header`);
      if (redirects >= this.options.maxRedirects) {
        throw new SourceFetchError('redirects', origin.host, `more than ${this.options.maxRedirects} redirects (the last from ${url.host}); not followed`);
      }
      url = parseSourceUrl(target, url);
    }
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private hop(url: URL, request: SourceRequest, sameOrigin: boolean): Promise<IncomingMessage> {
    const host = bareHostname(url);
    if (isIP(host) !== 0) {
      // net.connect skips the lookup for IP literals: judge them here.
      const refusal = this.options.policy.refusal(host);
      if (refusal !== undefined) {
        return Promise.reject(new SourceFetchError('refused', url.host, `refused to connect to ${url.host}: it is a ${refusal} (${this.options.policy.howToOpen(host)})`));
      }
    }
    const headers: Record<string, string> = {
      ...(sameOrigin ? this.options.headers : {}),
      'user-agent': USER_AGENT,
      'accept-encoding': 'identity',
    };
    if (request.range) headers.range = `bytes=${request.range.start}-${request.range.end}`;
    const secure = url.protocol === 'https:';
    const { connectTimeoutMs, idleTimeoutMs } = this.options;
    return new Promise((resolve, reject) => {
      const req = (secure ? https : http).request({
        protocol: url.protocol,
        hostname: host,
        port: url.port === '' ? undefined : Number(url.port),
        path: `${url.pathname}${url.search}`,
        method: request.method,
        headers,
        agent: secure ? this.httpsAgent : this.httpAgent,
        ...(request.signal ? { signal: request.signal } : {}),
      });
      let timer: NodeJS.Timeout | undefined;
      const expire = (message: string) => {
        timer = undefined;
        req.destroy(new SourceFetchError('timeout', url.host, message));
      };
      const awaitAnswer = () => {
        clearTimeout(timer);
        timer = setTimeout(() => expire(`${url.host} did not answer within ${idleTimeoutMs / 1000} s (idle timeout)`), idleTimeoutMs);
      };
      timer = setTimeout(() => expire(`no connection to ${url.host} within ${connectTimeoutMs / 1000} s (connect timeout)`), connectTimeoutMs);
      req.on('socket', (socket) => {
        if (!socket.connecting) return awaitAnswer(); // a kept-alive connection
        socket.once(secure ? 'secureConnect' : 'connect', awaitAnswer);
      });
      req.on('response', (response) => {
        clearTimeout(timer);
        resolve(response);
      });
      req.on('error', (error) => {
        clearTimeout(timer);
        reject(describeFailure(error, url.host));
      });
      req.end();
    });
  }
}

function emptyBody(response: IncomingMessage): Readable {
  response.resume();
  return Readable.from([]);
}

/** Turns a request error into a SourceFetchError naming the host and the cause. */
function describeFailure(error: Error & { code?: string }, host: string): Error {
  if (error instanceof SourceFetchError || error.name === 'AbortError') return error;
  const code = error.code ?? '';
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO|ALTNAME/.test(code)) {
    return new SourceFetchError('unreachable', host, `TLS with ${host} failed: ${error.message}`, { cause: error });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new SourceFetchError('unreachable', host, `${host} cannot be resolved (${code})`, { cause: error });
  }
  return new SourceFetchError('unreachable', host, `cannot reach ${host}: ${code || error.message}`, { cause: error });
}
