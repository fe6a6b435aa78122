import { BackendError, BackendUnavailableError, ObjectNotFoundError, type VisorErrorOptions } from '@visor/plugin-api';
import { NoActiveNamenodeError, SourceLengthError, WebHdfsConnectionError, WebHdfsProtocolError, WebHdfsRemoteError } from './webhdfs/errors.js';

/**
 * HDFS refused Visor's user (AccessControlException, or a SecurityException
 * for a bad delegation token): a store configuration problem, reported as a
 * BackendError (502) naming the store, the key and HDFS's message.
 */
export class StoragePermissionError extends BackendError {
  constructor(store: string, key: string | undefined, message: string, options?: VisorErrorOptions) {
    super(store, key, `permission denied by HDFS: ${message}`, options);
  }
}

/**
 * HDFS cannot take the request now but may soon (safe mode, no active
 * namenode, a node unreachable or too slow): BackendUnavailableError (503);
 * `retryable` tells callers that the same request may succeed later.
 */
export class StorageUnavailableError extends BackendUnavailableError {
  readonly retryable = true;
}

/** WebHDFS exceptions that mean "try again later": safe mode (plain, or wrapped in RetriableException by an HA namenode) and standby. */
const RETRYABLE_EXCEPTIONS = ['SafeModeException', 'RetriableException', 'StandbyException'];

/**
 * The Visor error for a failed WebHDFS call about `key` of `store`:
 * FileNotFoundException → ObjectNotFoundError; AccessControlException and
 * SecurityException → StoragePermissionError; SafeMode, Retriable and
 * Standby exceptions, no active namenode, connection failures and timeouts →
 * StorageUnavailableError; every other exception → BackendError with its
 * class and message. Visor errors, a source's error and an abort pass
 * through unchanged.
 */
export function storageFailure(error: unknown, store: string, key: string | undefined): unknown {
  const cause = { cause: error };
  if (error instanceof WebHdfsRemoteError) {
    if (error.is('FileNotFoundException') && key !== undefined) return new ObjectNotFoundError(store, key, cause);
    if (error.is('AccessControlException') || error.is('SecurityException')) return new StoragePermissionError(store, key, error.message, cause);
    if (RETRYABLE_EXCEPTIONS.some((name) => error.is(name))) {
      return new StorageUnavailableError(store, key, `HDFS is unavailable for now (${error.exception}): ${firstLine(error.message)}`, cause);
    }
    return new BackendError(store, key, `${error.exception}: ${error.message}`, cause);
  }
  if (error instanceof NoActiveNamenodeError) return new StorageUnavailableError(store, key, 'no namenode is active and reachable', cause);
  if (error instanceof WebHdfsConnectionError) return new StorageUnavailableError(store, key, error.message, cause);
  if (error instanceof SourceLengthError) return new BackendError(store, key, `${error.message}; nothing was stored`, cause);
  if (error instanceof WebHdfsProtocolError) return new BackendError(store, key, `unexpected WebHDFS answer: ${error.message}`, cause);
  return error;
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? text;
}
