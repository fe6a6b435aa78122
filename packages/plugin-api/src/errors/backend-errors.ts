import { VisorError, type ErrorCode, type VisorErrorOptions } from './visor-error.js';

/**
 * Errors raised by storage backends always name the backend and the key, so
 * a log line or a client message tells where the failure happened.
 */
export class BackendError extends VisorError {
  readonly backend: string;
  readonly key: string | undefined;

  constructor(backend: string, key: string | undefined, message: string, options: VisorErrorOptions & { code?: ErrorCode } = {}) {
    super(options.code ?? 'BackendError', `backend '${backend}'${key === undefined ? '' : ` key '${key}'`}: ${message}`, {
      ...options,
      details: { backend, ...(key === undefined ? {} : { key }), ...options.details },
    });
    this.backend = backend;
    this.key = key;
  }
}

/** The object does not exist in the backend. */
export class ObjectNotFoundError extends BackendError {
  constructor(backend: string, key: string, options?: VisorErrorOptions) {
    super(backend, key, 'object not found', { ...options, code: 'NotFound' });
  }
}

/** The key is not acceptable to the backend (traversal, bad characters). */
export class InvalidKeyError extends BackendError {
  constructor(backend: string, key: string, reason: string) {
    super(backend, key, `invalid key: ${reason}`, { code: 'BadRequest' });
  }
}

/** A read range lies outside the stored object. */
export class InvalidRangeError extends BackendError {
  constructor(backend: string, key: string, reason: string) {
    super(backend, key, `invalid range: ${reason}`, { code: 'RequestedRangeNotSatisfiable' });
  }
}

/** The backend cannot store (read-only sources such as the HTTP backend). */
export class ReadOnlyBackendError extends BackendError {
  constructor(backend: string, key?: string) {
    super(backend, key, 'this backend is read-only', { code: 'MethodNotAllowed' });
  }
}

/** The store has no room for the object (a full disk or quota); nothing was stored. */
export class StorageFullError extends BackendError {
  constructor(backend: string, key: string | undefined, message: string, options?: VisorErrorOptions) {
    super(backend, key, message, { ...options, code: 'InsufficientStorage' });
  }
}

/** The storage system cannot be reached or refused the operation. */
export class BackendUnavailableError extends BackendError {
  constructor(backend: string, key: string | undefined, message: string, options?: VisorErrorOptions) {
    super(backend, key, message, { ...options, code: 'BackendUnavailable' });
  }
}
