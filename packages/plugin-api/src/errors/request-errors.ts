import { VisorError, type VisorErrorOptions } from './visor-error.js';

/** The request is malformed in a way not tied to one field. */
export class BadRequestError extends VisorError {
  constructor(message: string, options?: VisorErrorOptions) {
    super('BadRequest', message, options);
  }
}

/** A field (body member, header, query parameter) has a missing or wrong value. */
export class InvalidFieldError extends VisorError {
  readonly field: string;
  constructor(field: string, message: string, options: VisorErrorOptions = {}) {
    super('InvalidField', message, { ...options, details: { field, ...options.details } });
    this.field = field;
  }
}

/** The client tried to set fields only the server may set. */
export class ReadOnlyFieldError extends VisorError {
  readonly fields: readonly string[];
  constructor(fields: readonly string[]) {
    super(
      'ReadOnlyField',
      `${fields.length === 1 ? 'field' : 'fields'} ${fields.map((f) => `'${f}'`).join(', ')} ${fields.length === 1 ? 'is' : 'are'} managed by the server and cannot be set`,
      { details: { fields } },
    );
    this.fields = fields;
  }
}

/** Received bytes do not match a declared size or checksum. */
export class BadDigestError extends VisorError {
  constructor(field: string, expected: string, actual: string) {
    super('BadDigest', `${field} mismatch: the client declared ${expected} but the server received ${actual}; nothing was stored`, {
      details: { field, expected, actual },
    });
  }
}

export class UnauthorizedError extends VisorError {
  constructor(message: string, options?: VisorErrorOptions) {
    super('Unauthorized', message, options);
  }
}

export class ForbiddenError extends VisorError {
  constructor(message: string, options?: VisorErrorOptions) {
    super('Forbidden', message, options);
  }
}

export class NotFoundError extends VisorError {
  constructor(message: string, options?: VisorErrorOptions) {
    super('NotFound', message, options);
  }
}

export class MethodNotAllowedError extends VisorError {
  constructor(message: string, options?: VisorErrorOptions) {
    super('MethodNotAllowed', message, options);
  }
}

export class NotAcceptableError extends VisorError {
  constructor(message: string, options?: VisorErrorOptions) {
    super('NotAcceptable', message, options);
  }
}

/** The request conflicts with the image's current state (status, races). */
export class ConflictError extends VisorError {
  constructor(message: string, options?: VisorErrorOptions) {
    super('Conflict', message, options);
  }
}

export class PayloadTooLargeError extends VisorError {
  constructor(message: string, options?: VisorErrorOptions) {
    super('PayloadTooLarge', message, options);
  }
}

export class UnsupportedMediaTypeError extends VisorError {
  constructor(message: string, options?: VisorErrorOptions) {
    super('UnsupportedMediaType', message, options);
  }
}

export class RangeNotSatisfiableError extends VisorError {
  readonly size: number;
  constructor(message: string, size: number) {
    super('RequestedRangeNotSatisfiable', message, { details: { size } });
    this.size = size;
  }
}

/**
 * The request must declare its body's length up front (RFC 9110 §15.5.12):
 * the store it goes to cannot take a body of unknown size.
 */
export class LengthRequiredError extends VisorError {
  constructor(message: string, options?: VisorErrorOptions) {
    super('LengthRequired', message, options);
  }
}

/**
 * The request uses a feature of HTTP the server does not implement, e.g. a
 * transfer coding other than `chunked` (RFC 9112 section 6.1: a server that
 * receives a transfer coding it does not understand should answer 501).
 */
export class NotImplementedError extends VisorError {
  constructor(message: string, options?: VisorErrorOptions) {
    super('NotImplemented', message, options);
  }
}

/**
 * The server cannot take the request now, though it may a little later (its
 * metadata database has no connection free, say): 503 with `Retry-After:
 * <retryAfterSeconds>` (RFC 9110 §10.2.3, §15.6.4). Nothing was changed.
 * `retryAfterSeconds` is also in `details`, so the error document shows it.
 */
export class ServiceUnavailableError extends VisorError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number, options: VisorErrorOptions = {}) {
    super('ServiceUnavailable', message, { ...options, details: { ...options.details, retryAfterSeconds } });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class PreconditionFailedError extends VisorError {
  constructor(message: string, options?: VisorErrorOptions) {
    super('PreconditionFailed', message, options);
  }
}

/** The client went away before the request body was complete. */
export class ClientClosedError extends VisorError {
  constructor(message = 'the client closed the connection before the upload was complete', options?: VisorErrorOptions) {
    super('ClientClosedRequest', message, options);
  }
}

export class InternalError extends VisorError {
  constructor(message: string, options?: VisorErrorOptions) {
    super('InternalError', message, options);
  }
}
