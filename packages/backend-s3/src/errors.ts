import {
  PayloadTooLargeError,
  BackendError,
  BackendUnavailableError,
  InvalidRangeError,
  ObjectNotFoundError,
  StorageFullError,
  isVisorError,
} from '@visor/plugin-api';
import { DeadlineError } from './deadline.js';
import { PartLimitError, SizeMismatchError } from './size-guard.js';

/**
 * PayloadTooLargeError (413) for an image this store cannot take, named like the store's
 * BackendErrors (`backend '<store>' key '<key>': <message>`).
 */
export function tooLarge(store: string, key: string | undefined, message: string, options?: { cause: unknown }): PayloadTooLargeError {
  return new PayloadTooLargeError(`backend '${store}'${key === undefined ? '' : ` key '${key}'`}: ${message}`, options);
}

/** What the SDK puts on a failed call: the service's error code (`name`) and the HTTP status. */
interface ServiceFailure extends Error {
  $metadata?: { httpStatusCode?: number };
  $fault?: 'client' | 'server';
  code?: string;
}

/** Node's socket errors (errno codes) that mean the endpoint cannot be reached. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED']);

/**
 * S3 error codes that make the store unusable as configured: every request
 * would fail the same way. AWS S3 API reference, "Error responses", list of
 * error codes.
 */
const STORE_PROBLEMS: Readonly<Record<string, string>> = {
  NoSuchBucket: 'the bucket does not exist',
  InvalidAccessKeyId: 'the server does not know the access key',
  SignatureDoesNotMatch: 'the server refused the request signature: the secret key is wrong (or, on servers that do not say which, the access key is unknown)',
  AccessDenied: 'access to the bucket is denied for these credentials',
  InvalidToken: 'the session token is not valid',
  ExpiredToken: 'the session token has expired',
  AuthorizationHeaderMalformed: 'the server refused the authorization header (wrong region?)',
  PermanentRedirect: 'the bucket is in another region or needs another endpoint',
  InvalidBucketName: 'the server refuses the bucket name',
};

export function statusOf(error: unknown): number | undefined {
  return (error as ServiceFailure | undefined)?.$metadata?.httpStatusCode;
}

/** The S3 error code (`NoSuchKey`, `SlowDown` ...), or a socket errno code, or the error's name. */
export function failureCode(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as ServiceFailure).code;
  if (typeof code === 'string' && UNREACHABLE.has(code)) return code;
  return error.name;
}

function isUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as ServiceFailure).code;
  return (typeof code === 'string' && UNREACHABLE.has(code)) || error.name === 'TimeoutError' || error.name === 'RequestTimeout';
}

/** One phrase saying what went wrong, with the S3 code or errno in parentheses; names no endpoint, bucket or key. */
export function describeFailure(error: unknown): string {
  const code = failureCode(error);
  const status = statusOf(error);
  if (STORE_PROBLEMS[code] !== undefined) return `${STORE_PROBLEMS[code]} (${code})`;
  if (error instanceof DeadlineError) return error.message;
  if (isUnreachable(error)) return `the S3 endpoint cannot be reached (${code})`;
  if (error instanceof Error && error.name === 'CredentialsProviderError') return `no credentials: the SDK's default chain found none (${error.message})`;
  if (status === 403) return `the server refused the credentials (${code}, HTTP 403)`;
  if (status === 503 || code === 'SlowDown') return `the server is unavailable or throttling (${code}, HTTP ${status ?? 503})`;
  return status === undefined ? `${code}: ${error instanceof Error ? error.message : String(error)}` : `${code} (HTTP ${status})`;
}

/** Whether the failure would hit every request to the store alike (bucket, credentials, endpoint, throttling). */
export function isStoreProblem(error: unknown): boolean {
  const code = failureCode(error);
  const status = statusOf(error);
  return STORE_PROBLEMS[code] !== undefined || isUnreachable(error) || status === 403 || status === 503 || code === 'SlowDown' || (error instanceof Error && error.name === 'CredentialsProviderError');
}

/** An error the SDK or the connection raised, as opposed to the source's, an abort or Visor's own. */
function isStoreFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { $metadata, $fault } = error as ServiceFailure;
  return $metadata !== undefined || $fault !== undefined || isUnreachable(error) || error.name === 'CredentialsProviderError';
}

/**
 * Turns a failed SDK call into a Visor error naming the store, the key and
 * the cause (the original error stays as `cause`, for the logs):
 * a missing object is ObjectNotFoundError, an unsatisfiable range
 * InvalidRangeError, a store that cannot work as configured (bucket,
 * credentials, endpoint, throttling) BackendUnavailableError, any other
 * failure of the store BackendError, a source that yielded the wrong number
 * of bytes BackendError. Anything else (the source's own error, an abort,
 * Visor's errors) passes through unchanged.
 */
export function s3Failure(error: unknown, store: string, key: string | undefined, operation: string): unknown {
  if (error instanceof SizeMismatchError) return new BackendError(store, key, `${operation} failed: ${error.message}; nothing was stored`, { cause: error });
  // Our guard, or lib-storage's own plain Error (its message names bucket and key: not shown), once
  // an upload of undeclared size reaches S3's part limit.
  if (error instanceof PartLimitError || (error instanceof Error && /^Exceeded \d+ parts in multipart upload/.test(error.message))) {
    return tooLarge(
      store,
      key,
      "the image reached S3's limit of 10000 parts without a declared size; declare its size (x-image-meta-size or Content-Length), or set limits.maxImageBytes, so that parts are made large enough; nothing was stored",
      { cause: error },
    );
  }
  if (isVisorError(error) || !isStoreFailure(error)) return error;
  const code = failureCode(error);
  if (key !== undefined && (code === 'NoSuchKey' || (code === 'NotFound' && statusOf(error) === 404))) {
    return new ObjectNotFoundError(store, key, { cause: error });
  }
  if (code === 'InvalidRange' && key !== undefined) return new InvalidRangeError(store, key, 'the range lies outside the object');
  if (code === 'EntityTooLarge' || code === 'QuotaExceeded') {
    return new StorageFullError(store, key, `${operation}: the server refused the object's size (${code}); nothing was stored`, { cause: error });
  }
  const message = `${operation} failed: ${describeFailure(error)}`;
  if (isStoreProblem(error)) return new BackendUnavailableError(store, key, message, { cause: error });
  return new BackendError(store, key, message, { cause: error });
}
