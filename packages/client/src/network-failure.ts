import { VisorClientError } from './errors.js';
import { IDLE_SILENCE_MS, type TransferWatch } from './transfer-watch.js';

/**
 * Why no (whole) answer came, in `VisorClientError.details.reason` of a `NetworkError`:
 * - `ConnectionRefused`: nothing listens at the URL's host and port;
 * - `Unreachable`: the host name does not resolve, or the host or network cannot be reached;
 * - `IdleTimeout`: the server cut a connection in a silence as long as its idle limit
 *   (`limits.idleTimeoutSeconds`), likely because the body's source stalled or the reader paused
 *   (the silence: TransferWatch.silenceBeforeLossMs);
 * - `ConnectionClosed`: the server closed the connection while bytes were moving (it stopped,
 *   restarted or crashed, or something between cut it), also after a silence the transfer went on from;
 * - `Other`: any other failure (TLS, a malformed answer, …); `cause` has it.
 */
export type NetworkFailureReason = 'ConnectionRefused' | 'Unreachable' | 'IdleTimeout' | 'ConnectionClosed' | 'Other';

const CLOSED = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ERR_STREAM_PREMATURE_CLOSE']);
const UNREACHABLE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EHOSTDOWN']);

/** The error codes on `error`, its `cause` chain and an AggregateError's members (Node's and undici's). */
function codesOf(error: unknown, seen = new Set<unknown>()): string[] {
  if (typeof error !== 'object' || error === null || seen.has(error)) return [];
  seen.add(error);
  const own = (error as { code?: unknown }).code;
  const codes = typeof own === 'string' ? [own] : [];
  const members = (error as { errors?: unknown }).errors;
  if (Array.isArray(members)) for (const member of members) codes.push(...codesOf(member, seen));
  codes.push(...codesOf((error as { cause?: unknown }).cause, seen));
  return codes;
}

/** The innermost message: fetch wraps every failure in `TypeError: fetch failed`. */
function innermostMessage(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}

/**
 * Whether an error is a connection lost under a request or answer: what Node reports when a
 * socket is reset or closed too early (ECONNRESET, EPIPE, an answer `aborted`) and undici's
 * `other side closed`/`terminated`.
 */
export function isConnectionLoss(error: unknown): boolean {
  if (codesOf(error).some((c) => CLOSED.has(c))) return true;
  return /^(aborted|terminated|socket hang up|other side closed)$/.test(innermostMessage(error));
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** "N bytes of the request body sent and M bytes of the answer received": what moved before the cut. */
function moved(watch: TransferWatch, hasBody: boolean): string {
  const parts: string[] = [];
  if (hasBody) parts.push(`${watch.bytesSent} bytes of the request body sent${watch.bodySent ? ' (all of it)' : ''}`);
  if (watch.answered) parts.push(`${watch.bytesReceived} bytes of the answer received`);
  else parts.push('no answer received');
  return parts.join(', ');
}

/**
 * Turns a failure to reach the server, or a connection lost before the answer was whole, into a
 * `VisorClientError` with status 0 and code `NetworkError` that says which it was and what to
 * check: the URL for a refused connection; the server's `limits.idleTimeoutSeconds` and the
 * silence seen for an idle cut; the bytes moved for a connection the server closed. `details`
 * holds `reason` (NetworkFailureReason), `bytes_sent`, `bytes_received` and `silence_seconds`;
 * `cause` the original error.
 */
export function networkFailure(error: unknown, request: { method: string; url: URL; hasBody: boolean; watch: TransferWatch }): VisorClientError {
  if (error instanceof VisorClientError) return error;
  const { method, url, hasBody, watch } = request;
  const codes = codesOf(error);
  const silenceMs = watch.silenceBeforeLossMs();
  const details = {
    reason: 'Other' as NetworkFailureReason,
    bytes_sent: watch.bytesSent,
    bytes_received: watch.bytesReceived,
    silence_seconds: Math.round(silenceMs / 100) / 10,
  };
  let explanation: string;
  const closed = isConnectionLoss(error);
  if (codes.includes('ECONNREFUSED')) {
    details.reason = 'ConnectionRefused';
    explanation = `connection refused: nothing listens at ${url.host} (is the Visor server running, and is the URL ${url.origin} right?)`;
  } else if (codes.some((c) => UNREACHABLE.has(c))) {
    details.reason = 'Unreachable';
    explanation = `cannot reach ${url.host} (${innermostMessage(error)}): check the URL's host name and the network`;
  } else if (closed && silenceMs >= IDLE_SILENCE_MS) {
    details.reason = 'IdleTimeout';
    explanation =
      `the server closed the connection after ${moved(watch, hasBody)}, and no byte had moved either way for ${seconds(silenceMs)} at a stretch: ` +
      'the server cuts a connection silent for longer than its limits.idleTimeoutSeconds (120 s by default), ' +
      `so a body source that stalls or a reader that pauses that long loses the transfer`;
  } else if (closed) {
    details.reason = 'ConnectionClosed';
    explanation = `the server closed the connection after ${moved(watch, hasBody)}, while bytes were moving (it may have stopped or restarted; its log says more)`;
  } else {
    explanation = innermostMessage(error);
  }
  return new VisorClientError(0, 'NetworkError', `${method} ${url.href} failed: ${explanation}`, details, { cause: error });
}
