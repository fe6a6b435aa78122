import { BackendError, ObjectNotFoundError, StorageFullError } from '@visor/plugin-api';

/** A failed system call (it has an errno code and the call's name), as opposed to a source or abort error. */
function isSystemError(error: unknown): error is NodeJS.ErrnoException & { code: string; syscall: string } {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && typeof (error as NodeJS.ErrnoException).syscall === 'string';
}

/**
 * Wraps a failed system call in a BackendError naming backend and key; the
 * path stays in the cause, out of client messages. Other errors (the
 * source's, an abort, Visor's own) pass through unchanged.
 */
export function storageFailure(error: unknown, backend: string, key: string | undefined): unknown {
  if (!isSystemError(error)) return error;
  if (error.code === 'ENOSPC' || error.code === 'EDQUOT') {
    return new StorageFullError(backend, key, `the store is full: ${error.syscall} failed (${error.code}); nothing was stored`, { cause: error });
  }
  return new BackendError(backend, key, `${error.syscall} failed (${error.code})`, { cause: error });
}

/** As storageFailure, but a missing file means a missing object. */
export function readFailure(error: unknown, backend: string, key: string): unknown {
  if (isSystemError(error) && error.code === 'ENOENT') return new ObjectNotFoundError(backend, key, { cause: error });
  return storageFailure(error, backend, key);
}
