/**
 * Every error Visor throws on purpose is a VisorError: a stable `code`, a
 * message meant for the client, an optional `cause`, and optional `details`
 * (the field or key it is about). HTTP statuses are assigned in one place,
 * core's `http/error-status.ts`, never here.
 */
export type KnownErrorCode =
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
  | 'LengthRequired'
  | 'ClientClosedRequest'
  | 'BackendError'
  | 'BackendUnavailable'
  | 'ServiceUnavailable'
  | 'InsufficientStorage'
  | 'NotImplemented'
  | 'InternalError'
  | 'ConfigError'
  | 'PluginNotFound'
  | 'PluginError';

/**
 * Codes plugins add. A plugin declares each with its HTTP status in its
 * plugin object (`errorCodes: { SlowDown: 429 }`, see `PluginErrorCodes`)
 * and, for the type checker, augments this interface:
 *
 * ```ts
 * declare module '@visor/plugin-api' {
 *   interface PluginErrorCodeMap { SlowDown: true }
 * }
 * ```
 */
export interface PluginErrorCodeMap {}

export type ErrorCode = KnownErrorCode | (keyof PluginErrorCodeMap & string);

/**
 * Extra error codes a plugin brings, each with the HTTP status (100-599) its
 * errors answer with. Core registers them when it loads the plugin and refuses
 * a code it already maps to another status.
 */
export type PluginErrorCodes = Readonly<Record<string, number>>;

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
