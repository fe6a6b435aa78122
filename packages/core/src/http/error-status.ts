import type { ErrorCode } from '../errors/index.js';

/** The one place where error codes become HTTP statuses. */
export const ERROR_STATUS: Readonly<Record<ErrorCode, number>> = Object.freeze({
  BadRequest: 400,
  InvalidField: 400,
  ReadOnlyField: 400,
  BadDigest: 400,
  ClientClosedRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  NotAcceptable: 406,
  Conflict: 409,
  PreconditionFailed: 412,
  PayloadTooLarge: 413,
  UnsupportedMediaType: 415,
  RequestedRangeNotSatisfiable: 416,
  InternalError: 500,
  ConfigError: 500,
  PluginNotFound: 500,
  PluginError: 500,
  BackendError: 502,
  BackendUnavailable: 503,
  InsufficientStorage: 507,
});

/** Statuses restify's router produces on its own (unknown route, method). */
export const ROUTER_STATUS_CODES: Readonly<Record<number, ErrorCode>> = Object.freeze({
  400: 'BadRequest',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
});

/**
 * Requests Node's HTTP parser refuses before any route sees them (malformed
 * framing, header too large, a request too slow): the status and the code
 * `x-error-code` and the body carry. Node's own choices of status are kept.
 */
export const PARSER_ERROR_STATUS: Readonly<Record<string, { status: number; code: string }>> = Object.freeze({
  HPE_HEADER_OVERFLOW: { status: 431, code: 'RequestHeaderFieldsTooLarge' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'RequestTimeout' },
});
/** Any other parser error. */
export const PARSER_ERROR_DEFAULT = { status: 400, code: 'BadRequest' } as const;
