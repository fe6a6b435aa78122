/**
 * Every error Visor throws on purpose is a VisorError: a stable `code`, a
 * message meant for the client, an optional `cause`, and optional `details`
 * (the field or key it is about). HTTP statuses are assigned in one place,
 * `http/error-status.ts`, never here.
 */
export type ErrorCode =
  | 'BadRequest'
  | 'InvalidField'
  | 'ReadOnlyField'
  | 'BadDigest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'Conflict'
  | 'PayloadTooLarge'
  | 'UnsupportedMediaType'
  | 'RequestedRangeNotSatisfiable'
  | 'PreconditionFailed'
  | 'ClientClosedRequest'
  | 'BackendError'
  | 'BackendUnavailable'
  | 'InsufficientStorage'
  | 'InternalError'
  | 'ConfigError'
  | 'PluginNotFound'
  | 'PluginError';

export interface VisorErrorOptions {
  cause?: unknown;
  details?: Record<string, unknown>;
}

export class VisorError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: VisorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details ?? {};
  }
}

export function isVisorError(value: unknown): value is VisorError {
  return value instanceof VisorError;
}
