import { PluginError, type ErrorCode, type KnownErrorCode, type PluginErrorCodes } from '@visor/plugin-api';

/** The one place where error codes become HTTP statuses. */
export const ERROR_STATUS: Readonly<Record<KnownErrorCode, number>> = Object.freeze({
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
  LengthRequired: 411,
  PreconditionFailed: 412,
  PayloadTooLarge: 413,
  UnsupportedMediaType: 415,
  RequestedRangeNotSatisfiable: 416,
  InternalError: 500,
  ConfigError: 500,
  PluginNotFound: 500,
  PluginError: 500,
  NotImplemented: 501,
  BackendError: 502,
  BackendUnavailable: 503,
  ServiceUnavailable: 503,
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

/** Codes plugins brought (see PluginErrorCodes), for the life of the process. */
const pluginStatuses = new Map<string, number>();

/** The HTTP status of an error code; 500 for a code nobody declared. */
export function statusOf(code: ErrorCode): number {
  return (ERROR_STATUS as Readonly<Record<string, number>>)[code] ?? pluginStatuses.get(code) ?? 500;
}

/**
 * Adds the error codes `plugin` declares. A code must be a word (`SlowDown`)
 * with a status from 400 to 599; one that already means another status is
 * refused with a PluginError, so a code answers the same everywhere.
 */
export function registerErrorCodes(plugin: string, codes: PluginErrorCodes | undefined): void {
  for (const [code, status] of Object.entries(codes ?? {})) {
    if (!/^[A-Z][A-Za-z0-9]{1,63}$/.test(code)) throw new PluginError(plugin, `error code '${code}' must be a word in PascalCase`);
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new PluginError(plugin, `error code '${code}' must map to an HTTP error status from 400 to 599, not ${String(status)}`);
    }
    const known = statusOf(code as ErrorCode);
    const taken = Object.hasOwn(ERROR_STATUS, code) || pluginStatuses.has(code);
    if (taken && known !== status) throw new PluginError(plugin, `error code '${code}' already answers ${known}; it cannot answer ${status} too`);
    pluginStatuses.set(code, status);
  }
}

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
