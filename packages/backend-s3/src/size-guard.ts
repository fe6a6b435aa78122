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

/**
 * Passes chunks through unchanged (no copy) and counts them; with a
 * declared size it fails as soon as the source yields a byte too many, and
 * at the end when it yielded too few, so a wrong length never completes an
 * upload.
 */
export class SizeGuard extends Transform {
  bytes = 0;

  constructor(private readonly declared: number | undefined) {
    super({ highWaterMark: 1024 * 1024 });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.declared !== undefined && this.bytes > this.declared) callback(new SizeMismatchError(this.declared, this.bytes, false));
    else callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.declared !== undefined && this.bytes !== this.declared) callback(new SizeMismatchError(this.declared, this.bytes, true));
    else callback();
  }
}
