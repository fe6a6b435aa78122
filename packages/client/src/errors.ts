import type { Answer } from './answer.js';

/** An error answer of the Visor server (or a failure to reach it), with the server's error document. */
export class VisorClientError extends Error {
  /** HTTP status; 0 when no answer was received. */
  readonly status: number;
  /** The server's error code (`NotFound`, `InvalidField`, …); `NetworkError` when no answer was received. */
  readonly code: string;
  /**
   * The other members of the error document (`field`, `allowed`, `expected`, …). For a
   * `NetworkError`: `reason` (see NetworkFailureReason), `bytes_sent`, `bytes_received` and
   * `silence_seconds` (the silence the connection was lost in: TransferWatch.silenceBeforeLossMs).
   */
  readonly details: Record<string, unknown>;

  constructor(status: number, code: string, message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = 'VisorClientError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

function decodeHeader(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Builds the error of a non-2xx answer from its JSON error document, else its x-error-* headers. */
export async function errorFromAnswer(response: Answer): Promise<VisorClientError> {
  let doc: Record<string, unknown> | undefined;
  const text = await response.text().catch(() => '');
  if (text !== '') {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) doc = parsed as Record<string, unknown>;
    } catch {
      // not a JSON error document: fall back to the headers
    }
  }
  const { code, message, ...details } = doc ?? {};
  return new VisorClientError(
    response.status,
    typeof code === 'string' ? code : (decodeHeader(response.header('x-error-code')) ?? `HTTP${response.status}`),
    typeof message === 'string'
      ? message
      : (decodeHeader(response.header('x-error-message')) ?? notFromVisor(response)),
    details,
  );
}

/**
 * The message of an error answer without Visor's error document or x-error-* headers: something
 * else answered (a proxy, another service at that URL), so say so rather than pass a bare status.
 */
function notFromVisor(response: Answer): string {
  const server = response.header('server');
  return (
    `${`${response.status} ${response.statusText}`.trim()}, answered without a Visor error document` +
    `${server === undefined ? '' : ` (by server '${server}')`}: is the URL that of a Visor server, or did a proxy in between answer?`
  );
}
