import { InternalError, VisorError, type ErrorCode, type ResponseDocument } from '@visor/plugin-api';
import { ROUTER_STATUS_CODES, statusOf } from './error-status.js';

export interface ErrorResponse {
  status: number;
  error: VisorError;
  document: ResponseDocument;
  /** True when the error was not raised on purpose: log it with its stack. */
  unexpected: boolean;
}

function fromRouter(error: unknown): VisorError | undefined {
  const status = (error as { statusCode?: unknown })?.statusCode;
  if (typeof status !== 'number') return undefined;
  const code: ErrorCode | undefined = ROUTER_STATUS_CODES[status];
  return code === undefined ? undefined : new VisorError(code, (error as Error).message, { cause: error });
}

/** Turns anything thrown into a status and an error document `{code, message, ...details}`. */
export function errorResponse(thrown: unknown, requestId: string): ErrorResponse {
  let error = thrown instanceof VisorError ? thrown : fromRouter(thrown);
  const unexpected = error === undefined;
  if (error === undefined) {
    error = new InternalError(`internal error; the server log has the details under request id ${requestId}`, { cause: thrown });
  }
  const body: Record<string, unknown> = { code: error.code, message: error.message };
  for (const [key, value] of Object.entries(error.details)) {
    if (!(key in body)) body[key] = value;
  }
  return { status: statusOf(error.code), error, document: { root: 'error', body }, unexpected };
}
