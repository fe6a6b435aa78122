import type { Duplex } from 'node:stream';
import type { Logger } from '../util/logger.js';
import { PARSER_ERROR_DEFAULT, PARSER_ERROR_STATUS } from './error-status.js';
import { headerText } from './header-text.js';

const REASONS: Readonly<Record<number, string>> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

/**
 * Answers a request Node's HTTP parser refused (the server's `clientError`):
 * like Node's default (same statuses, connection closed), but with
 * `x-error-code`, `x-error-message` and a JSON body naming the cause, as every
 * other error. The headers were not parsed, so there is no Accept to
 * negotiate: JSON, the default. Never throws; a socket that cannot be written
 * any more is just closed.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex, logger: Logger): void {
  try {
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code !== 'ECONNRESET' && socket.writable && !inFlight?.headersSent) {
      const { status, code } = PARSER_ERROR_STATUS[error.code ?? ''] ?? PARSER_ERROR_DEFAULT;
      const reason = (error as { reason?: unknown }).reason;
      const message = `malformed HTTP request (${error.code ?? 'unknown'}${typeof reason === 'string' ? `: ${reason}` : ''}); nothing was done`;
      const body = JSON.stringify({ code, message });
      socket.end(
        `HTTP/1.1 ${status} ${REASONS[status] ?? 'Bad Request'}\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\n` +
          `content-length: ${Buffer.byteLength(body)}\r\nx-error-code: ${code}\r\nx-error-message: ${headerText(message, 1024)}\r\n\r\n${body}`,
      );
    }
    logger.debug('refused a malformed HTTP request', { err: error });
  } catch (unforeseen) {
    try {
      logger.error('could not answer a malformed HTTP request', { err: unforeseen });
    } catch {
      // nothing left to tell
    }
  }
  // end() closes once the answer is flushed; a peer that never reads it does not hold the socket.
  if (socket.writableEnded) setTimeout(() => socket.destroy(), 1000).unref();
  else socket.destroy();
}
