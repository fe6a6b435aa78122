import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeForbidden, InternalError, type ResponseDocument, type VisorError } from '@visor/plugin-api';
import type { Logger } from '../util/logger.js';
import { errorResponse, type ErrorResponse } from './error-document.js';
import { headerText } from './header-text.js';

/** Longest `x-error-message` header, in bytes: the whole message is in the body (HTTP clients cap header sizes, Node at 16 KiB). */
export const ERROR_HEADER_LIMIT = 1024;

/** What answering an error needs of a request (an Exchange has it all). */
export interface ErrorTarget {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly requestId: string;
  readonly isHead: boolean;
  readonly logger: Logger;
  /** The client holds its body back until told to send it (`Expect: 100-continue`). */
  readonly awaitingContinue: boolean;
  /** Encodes and sends a document in the negotiated format; may throw (an encoder can). */
  sendDocument(status: number, document: ResponseDocument, headers: Record<string, string>): void;
  /** Reads and drops what the client still sends of its body, for a while. */
  discardRestOfBody(): void;
}

/** Runs `step`; anything it throws is logged and swallowed. */
function guarded(logger: Logger, what: string, step: () => void): boolean {
  try {
    step();
    return true;
  } catch (error) {
    try {
      logger.error(`answering an error: ${what} failed`, { err: error });
    } catch {
      // The logger itself failed: nothing left to tell.
    }
    return false;
  }
}

/** Cuts the connection; a socket already gone is fine. */
function cut(res: ServerResponse, error?: Error): void {
  try {
    res.destroy(error);
  } catch {
    try {
      res.socket?.destroy();
    } catch {
      // Nothing else can be done with this connection.
    }
  }
}

function describe(thrown: unknown, requestId: string): ErrorResponse {
  try {
    return errorResponse(thrown, requestId);
  } catch {
    // `thrown` defeats inspection (a throwing getter, a revoked Proxy): answer it as an internal error.
    return errorResponse(new InternalError(`internal error; the server log has the details under request id ${requestId}`), requestId);
  }
}

/** The error document with every string member escaped by the text rules: messages quote client text. */
function cleanDocument(document: ResponseDocument): ResponseDocument {
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(document.body)) {
    if (typeof value === 'string') body[key] = escapeForbidden(value);
    else if (Array.isArray(value)) body[key] = value.map((item) => (typeof item === 'string' ? escapeForbidden(item) : item));
    else body[key] = value;
  }
  return { root: document.root, body };
}

/** A last-resort body that no encoder takes part in, so it cannot fail. */
function plainJson(error: VisorError, message: string): Buffer {
  return Buffer.from(JSON.stringify({ code: error.code, message }));
}

/**
 * The one place where a request's failure is answered. Total: whatever was
 * thrown, whatever state the response and its socket are in, it never throws.
 * It ends with the error answered (status, `x-error-code`,
 * `x-error-message`, and for non-HEAD a document in the negotiated format) or,
 * when that cannot be done any more (the status line is gone, the socket
 * closed, every encoding failed), with the connection cut.
 */
export function answerError(target: ErrorTarget, thrown: unknown): void {
  const { res, logger, requestId } = target;
  try {
    const { status, error, document, unexpected } = describe(thrown, requestId);
    guarded(logger, 'logging', () => {
      if (unexpected) logger.error('request failed unexpectedly', { request: requestId, err: thrown, stack: (thrown as Error | undefined)?.stack });
      else if (status >= 500) logger.error('request failed', { request: requestId, err: error });
    });
    if (res.headersSent || res.writableEnded) {
      // Mid-stream failure: the status line is gone, so cut the connection to tell the client.
      cut(res, error);
      return;
    }
    if (res.destroyed || res.socket?.destroyed) return;

    const clean = cleanDocument(document);
    const message = String(clean.body.message);
    const headers: Record<string, string> = { 'x-error-code': error.code, 'x-error-message': headerText(message, ERROR_HEADER_LIMIT) };
    // RFC 9110 §14.4: a 416 tells the representation's length, when known (a backend's InvalidRangeError carries none).
    if (error.code === 'RequestedRangeNotSatisfiable' && typeof error.details.size === 'number') headers['content-range'] = `bytes */${error.details.size}`;
    // RFC 9110 §10.2.3: how long to wait before trying again, for an error that says so (ServiceUnavailableError, a plugin's 429/503).
    const retryAfter = error.details.retryAfterSeconds;
    if ((status === 503 || status === 429) && typeof retryAfter === 'number' && Number.isFinite(retryAfter) && retryAfter >= 0) {
      headers['retry-after'] = String(Math.ceil(retryAfter));
    }
    if (target.awaitingContinue) {
      // The client holds its body back until told to send it: answer and close, so that a
      // body it might still send is never read as the next request.
      headers.connection = 'close';
    } else if (!target.req.complete) {
      guarded(logger, 'draining the request body', () => target.discardRestOfBody());
    }
    if (target.isHead) {
      if (!guarded(logger, 'sending the head', () => sendHead(res, status, headers))) cut(res);
      return;
    }
    if (guarded(logger, 'encoding the error document', () => target.sendDocument(status, clean, headers))) return;
    if (res.headersSent) {
      cut(res);
      return;
    }
    const body = plainJson(error, message);
    const sent = guarded(logger, 'sending a plain JSON error', () => {
      res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length) });
      res.end(body);
    });
    if (!sent) cut(res);
  } catch (unforeseen) {
    // Every step above is guarded; this is for what nobody foresaw.
    guarded(logger, 'answering', () => logger.error('could not answer a failed request; connection cut', { request: requestId, err: unforeseen }));
    cut(res);
  }
}

function sendHead(res: ServerResponse, status: number, headers: Record<string, string>): void {
  res.writeHead(status, headers);
  res.end();
}
