import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { BadDigestError, PayloadTooLargeError, type UploadExpectations } from '@visor/plugin-api';
import { OffloadedDigests } from './offloaded-digests.js';


/** Bytes the readable side holds before the writable side stops taking more. */
const READ_AHEAD_BYTES = 4 << 20;

export interface Digests {
  size: number;
  checksum: string;
  sha256: string;
}

/**
 * Passes bytes through unchanged while computing MD5 and SHA-256 and counting
 * them (offloaded: the bytes come out once both threads have hashed them, in
 * 1 MiB pieces, which also spares the consumer many small writes). A size overrun fails at once; a digest or size mismatch fails in flush,
 * before the stream ends, so the backend never commits a wrong file.
 */
export class DigestStream extends Transform {
  private readonly md5: Hash | undefined;
  private readonly sha: Hash | undefined;
  private readonly offloaded: OffloadedDigests | undefined;
  private bytes = 0;
  private digests: Digests | undefined;

  private started = false;
  /** A write's callback held back while the readable side is full (offloaded mode: batches arrive out of band). */
  private heldCallback: TransformCallback | undefined;

  /**
   * `offload`: compute both digests in worker threads, worth it for large
   * uploads. `hooks.onFirstRead`: runs when the consumer first asks for bytes.
   * `hooks.beforeEnd`: a last check once every byte passed and the digests
   * hold; its rejection fails the stream, so the backend commits nothing.
   */
  constructor(
    private readonly expected: UploadExpectations,
    offload = false,
    private readonly hooks: { onFirstRead?(): void; beforeEnd?(): Promise<void> } = {},
  ) {
    super({ writableHighWaterMark: 1 << 20, readableHighWaterMark: READ_AHEAD_BYTES });
    if (offload) this.offloaded = new OffloadedDigests((batch) => this.push(batch));
    else {
      this.md5 = createHash('md5');
      this.sha = createHash('sha256');
    }
  }

  get result(): Digests {
    if (!this.digests) throw new Error('DigestStream.result read before the stream finished');
    return this.digests;
  }

  get bytesSeen(): number {
    return this.bytes;
  }

  override _read(size: number): void {
    if (!this.started) {
      this.started = true;
      this.hooks.onFirstRead?.();
    }
    const held = this.heldCallback;
    this.heldCallback = undefined;
    held?.();
    super._read(size);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    const { size, maxBytes } = this.expected;
    if (size !== undefined && this.bytes > size) {
      callback(new BadDigestError('size', `${size} bytes`, `more than ${size} bytes`));
      return;
    }
    if (maxBytes != null && this.bytes > maxBytes) {
      callback(new PayloadTooLargeError(`the image is larger than this server's limit of ${maxBytes} bytes; nothing was stored`));
      return;
    }
    if (this.offloaded) {
      // The bytes come out of the sink once hashed; more are taken only while the readable side has room.
      // A held callback waits for the next _read, which only a coming push guarantees: hold only while
      // batches are at the threads.
      this.offloaded.update(chunk, (error) => {
        if (error) callback(error);
        else if (this.readableLength < READ_AHEAD_BYTES || this.offloaded!.hashing === 0) callback();
        else this.heldCallback = callback;
      });
      return;
    }
    this.md5!.update(chunk);
    this.sha!.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const digests = this.offloaded
      ? this.offloaded.digest()
      : Promise.resolve({ md5: this.md5!.digest('hex'), sha256: this.sha!.digest('hex') });
    digests.then(
      ({ md5, sha256 }) => this.verify({ size: this.bytes, checksum: md5, sha256 }, callback),
      (error: Error) => callback(error),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.heldCallback = undefined;
    if (this.offloaded && !this.digests) this.offloaded.abort();
    callback(error);
  }

  private verify(digests: Digests, callback: TransformCallback): void {
    const { size, checksum, sha256 } = this.expected;
    if (size !== undefined && digests.size !== size) {
      callback(new BadDigestError('size', `${size} bytes`, `${digests.size} bytes`));
      return;
    }
    if (checksum !== undefined && digests.checksum !== checksum) {
      callback(new BadDigestError('checksum', `MD5 ${checksum}`, `MD5 ${digests.checksum}`));
      return;
    }
    if (sha256 !== undefined && digests.sha256 !== sha256) {
      callback(new BadDigestError('sha256', `SHA-256 ${sha256}`, `SHA-256 ${digests.sha256}`));
      return;
    }
    if (!this.hooks.beforeEnd) {
      this.digests = digests;
      callback();
      return;
    }
    this.hooks.beforeEnd().then(
      () => {
        this.digests = digests;
        callback();
      },
      (error: Error) => callback(error),
    );
  }
}
