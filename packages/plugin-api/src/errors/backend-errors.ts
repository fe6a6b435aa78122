import { VisorError, type ErrorCode, type VisorErrorOptions } from './visor-error.js';

/**
 * Errors raised by storage backends always name the backend and the key, so
 * a log line or a client message tells where the failure happened.
 */
export class BackendError extends VisorError {
  readonly backend: string;
  readonly key: string | undefined;
  /** The message without the `backend '…' key '…': ` prefix, for an error that names them itself. */
  readonly reason: string;

  constructor(backend: string, key: string | undefined, message: string, options: VisorErrorOptions & { code?: ErrorCode } = {}) {
    super(options.code ?? 'BackendError', `backend '${backend}'${key === undefined ? '' : ` key '${key}'`}: ${message}`, {
      ...options,
      details: { backend, ...(key === undefined ? {} : { key }), ...options.details },
    });
    this.backend = backend;
    this.key = key;
    this.reason = message;
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

/**
 * The store cannot do what was asked because its backend does not declare the
 * capability (writing to a read-only source such as the HTTP backend): 405.
 * `what` completes the message, e.g. `it is read-only: register images in it with a location`.
 */
export class ReadOnlyBackendError extends BackendError {
  constructor(backend: string, key?: string, what = 'this backend is read-only') {
    super(backend, key, what, { code: 'MethodNotAllowed' });
  }
}

/** The backend was asked for something its declared capabilities exclude (a bug in the caller, not the client's fault). */
export class CapabilityError extends BackendError {
  readonly capability: string;
  constructor(backend: string, key: string | undefined, capability: string, operation: string) {
    super(backend, key, `${operation} needs capability '${capability}', which this backend does not declare`, {
      code: 'InternalError',
      details: { capability },
    });
    this.capability = capability;
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

/**
 * The object an image's record describes is no longer in its store as
 * recorded: it is gone, has another length (a range valid for the record
 * lies outside it), or was replaced (ETag, version or declared digests
 * differ). The store's fault, not the client's: code `BackendError` (502).
 * `key` is the image id; `details.location` names the object (without a
 * URL's query or fragment, where tokens live); the store's own error, if
 * any, is the `cause`.
 */
export class ObjectChangedError extends BackendError {
  constructor(backend: string, key: string, message: string, options: VisorErrorOptions & { location: string }) {
    super(backend, key, message, { ...options, details: { ...options.details, location: options.location } });
  }
}
