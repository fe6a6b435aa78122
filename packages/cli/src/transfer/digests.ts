import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** MD5 and SHA-256 of the bytes that pass, as lower-case hex (the image record's `checksum` and `sha256`). */
export interface Digests {
  md5: string;
  sha256: string;
}

/**
 * A pass-through stream that hashes (MD5 and SHA-256) and counts the bytes going through it,
 * calling `onBytes` with the running total; backpressure is the pipeline's.
 */
export class HashingCounter extends Transform {
  private readonly md5: Hash = createHash('md5');
  private readonly sha256: Hash = createHash('sha256');
  /** Bytes that went through so far. */
  bytes = 0;

  constructor(private readonly onBytes: (total: number) => void = () => undefined) {
    super();
  }

  /** Hashes bytes that do not go through the stream (the part of a download already on disk). */
  feed(chunk: Buffer): void {
    this.md5.update(chunk);
    this.sha256.update(chunk);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.feed(chunk);
    this.bytes += chunk.length;
    this.onBytes(this.bytes);
    callback(null, chunk);
  }

  /** The digests; call once, after the stream ended. */
  digests(): Digests {
    return { md5: this.md5.digest('hex'), sha256: this.sha256.digest('hex') };
  }
}
