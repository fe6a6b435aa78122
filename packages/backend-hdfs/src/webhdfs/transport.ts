import type { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import { WebHdfsConnectionError, WebHdfsProtocolError, WebHdfsRemoteError, type WebHdfsNodeRole } from './errors.js';

/** undici and system error codes of a connection that was never made: the server saw nothing. */
const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT']);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const TRANSFER_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ETIMEDOUT']);

/** A request without a body: namenode operations and downloads (uploads go through DatanodeUploader). */
export interface HttpRequest {
  method: 'GET' | 'PUT' | 'DELETE' | 'POST';
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
  /**
   * Harmless to send twice (reads, step one of CREATE and OPEN): a
   * connection found broken on sending (a kept-alive socket the server
   * closed, say) is retried once on a fresh one.
   */
  idempotent?: boolean;
}

export type HttpResponse = Dispatcher.ResponseData;

/** What failureOf and discard need of an answer: undici's or node:http's. */
export interface Answer {
  statusCode: number;
  body: Readable;
}

/** Bytes an answer's body buffers ahead of its reader: downloads move in fewer, larger steps (undici's default is 64 KiB). */
const BODY_BUFFER = 1024 * 1024;

/** Largest error body read to find a RemoteException in. */
const ERROR_BODY_LIMIT = 64 * 1024;

/**
 * HTTP for the WebHDFS client's namenode requests and downloads, on undici:
 * keep-alive connections, redirects never followed (the client follows
 * CREATE's and OPEN's by hand), and one
 * timeout for connecting, for the answer's headers and for every pause in a
 * transfer (so a 1 GiB transfer may last longer than the timeout, a stalled
 * one may not).
 */
export class HttpTransport {
  private readonly agent: Agent;

  constructor(timeoutMs: number) {
    this.agent = new Agent({ connectTimeout: timeoutMs, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, keepAliveTimeout: 4_000 });
  }

  /**
   * Sends one request. Connection failures and timeouts reject with
   * WebHdfsConnectionError; the signal's reason passes through unchanged.
   */
  async send(url: URL, init: HttpRequest, role: WebHdfsNodeRole): Promise<HttpResponse> {
    try {
      return await this.sendOnce(url, init, role);
    } catch (error) {
      const retry = init.idempotent === true && error instanceof WebHdfsConnectionError && error.phase === 'transfer';
      if (!retry || init.signal?.aborted) throw error;
      return this.sendOnce(url, init, role);
    }
  }

  private async sendOnce(url: URL, init: HttpRequest, role: WebHdfsNodeRole): Promise<HttpResponse> {
    try {
      return await request(url, {
        dispatcher: this.agent,
        method: init.method,
        highWaterMark: BODY_BUFFER,
        ...(init.headers === undefined ? {} : { headers: init.headers }),
        ...(init.signal === undefined ? {} : { signal: init.signal }),
      });
    } catch (error) {
      throw classifyFailure(error, role);
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

/** Names a network failure (WebHdfsConnectionError); anything else (a source's error, an abort) is returned as is. */
export function classifyFailure(error: unknown, role: WebHdfsNodeRole): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return error;
  const what = `the ${role}`;
  if (CONNECT_CODES.has(code)) return new WebHdfsConnectionError(`${what} cannot be reached (${code})`, 'connect', role, { cause: error });
  if (TIMEOUT_CODES.has(code)) return new WebHdfsConnectionError(`${what} did not answer in time (${code})`, 'timeout', role, { cause: error });
  if (TRANSFER_CODES.has(code)) return new WebHdfsConnectionError(`the connection to ${what} broke (${code})`, 'transfer', role, { cause: error });
  return error;
}

/**
 * The failure an unsuccessful answer reports: its RemoteException when the
 * body holds one, else a WebHdfsProtocolError quoting the start of the body.
 * Reads at most 64 KiB of the body.
 */
export async function failureOf(response: Answer, role: WebHdfsNodeRole): Promise<Error> {
  let text = '';
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      text += chunk.toString('utf8');
      if (text.length > ERROR_BODY_LIMIT) break;
    }
  } catch {
    // a body cut short still tells the status
  } finally {
    discard(response);
  }
  try {
    const remote = (JSON.parse(text) as { RemoteException?: { exception?: unknown; javaClassName?: unknown; message?: unknown } }).RemoteException;
    if (remote && typeof remote.exception === 'string') {
      const javaClassName = typeof remote.javaClassName === 'string' ? remote.javaClassName : undefined;
      const message = typeof remote.message === 'string' ? remote.message : remote.exception;
      return new WebHdfsRemoteError(response.statusCode, remote.exception, javaClassName, message, role);
    }
  } catch {
    // not JSON: a proxy's page, say
  }
  const excerpt = text.replace(/\s+/g, ' ').trim().slice(0, 200);
  return new WebHdfsProtocolError(`the ${role} answered HTTP ${response.statusCode}${excerpt ? `: ${excerpt}` : ''}`, role, response.statusCode);
}

/** Lets go of an answer's body without reading it (undici reports destroying an unread body as an error: it is swallowed). */
export function discard(response: Answer): void {
  response.body.on('error', () => undefined);
  response.body.destroy();
}

/** Reads a JSON answer (small: statuses, booleans, listings). */
export async function jsonOf<T>(response: HttpResponse, role: WebHdfsNodeRole): Promise<T> {
  try {
    return (await response.body.json()) as T;
  } catch (error) {
    throw new WebHdfsProtocolError(`the ${role} answered HTTP ${response.statusCode} with a body that is not JSON: ${(error as Error).message}`, role, response.statusCode);
  }
}
