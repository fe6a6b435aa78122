import { Transform, type TransformCallback } from 'node:stream';

/** The source yielded more or fewer bytes than the size declared for it. */
export class SizeMismatchError extends Error {
  constructor(
    readonly declared: number,
    readonly received: number,
    ended: boolean,
  ) {
    super(ended ? `the source ended after ${received} bytes; ${declared} were declared` : `the source yielded more than the ${declared} bytes declared`);
    this.name = 'SizeMismatchError';
  }
}

/** An upload of undeclared size passed the most its parts can hold (S3: 10 000 parts). */
export class PartLimitError extends Error {
  constructor(readonly limit: number) {
    super(`the source yielded more than ${limit} bytes, the most 10000 parts hold`);
    this.name = 'PartLimitError';
  }
}

/**
 * Passes chunks through unchanged (no copy) and counts them; with a
 * declared size it fails as soon as the source yields a byte too many, and
 * at the end when it yielded too few, so a wrong length never completes an
 * upload.
 *
 * With `holdLast`, the latest chunk is held back until the next one comes
 * or the source has ended cleanly. For a single PUT with a Content-Length
 * this matters: the server commits the object as its last byte arrives, so
 * that byte must not leave before the source has passed its own last checks
 * (the core's digest stream fails at its end on a wrong MD5, a byte too
 * many fails here): a failing source then always leaves the body short,
 * and the server stores nothing.
 */
export class SizeGuard extends Transform {
  bytes = 0;
  private held: Buffer | undefined;

  /** `limit`: bytes an upload of undeclared size may not pass (PartLimitError), checked before they go on. */
  constructor(
    private readonly declared: number | undefined,
    private readonly holdLast = false,
    private readonly limit?: number,
  ) {
    super({ highWaterMark: 1024 * 1024 });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.declared !== undefined && this.bytes > this.declared) return callback(new SizeMismatchError(this.declared, this.bytes, false));
    if (this.limit !== undefined && this.bytes > this.limit) return callback(new PartLimitError(this.limit));
    if (!this.holdLast) return callback(null, chunk);
    const previous = this.held;
    this.held = chunk;
    callback(null, previous);
  }

  override _flush(callback: TransformCallback): void {
    if (this.declared !== undefined && this.bytes !== this.declared) return callback(new SizeMismatchError(this.declared, this.bytes, true));
    const last = this.held;
    this.held = undefined;
    callback(null, last);
  }
}
