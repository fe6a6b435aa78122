import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { BadDigestError, PayloadTooLargeError, type UploadExpectations } from '@visor/plugin-api';
import { OffloadedDigests } from './offloaded-digests.js';


export interface Digests {
  size: number;
  checksum: string;
  sha256: string;
}

/**
 * Passes bytes through unchanged while computing MD5 and SHA-256 and counting
 * them. A size overrun fails at once; a digest or size mismatch fails in flush,
 * before the stream ends, so the backend never commits a wrong file.
 */
export class DigestStream extends Transform {
  private readonly md5: Hash | undefined;
  private readonly sha: Hash | undefined;
  private readonly offloaded: OffloadedDigests | undefined;
  private bytes = 0;
  private digests: Digests | undefined;

  private started = false;

  /**
   * `offload`: compute both digests in worker threads, worth it for large
   * uploads. `hooks.onFirstRead`: runs when the consumer first asks for bytes.
   * `hooks.beforeEnd`: a last check once every byte passed and the digests
   * hold; its rejection fails the stream, so the backend commits nothing.
   * `hooks.trailing`: digests declared after the bytes (HTTP trailers), read
   * once the source ended and checked like `expected`'s; it may throw.
   */
  constructor(
    private readonly expected: UploadExpectations,
    offload = false,
    private readonly hooks: {
      onFirstRead?(): void;
      beforeEnd?(): Promise<void>;
      trailing?(): Pick<UploadExpectations, 'checksum' | 'sha256'>;
    } = {},
  ) {
    super({ highWaterMark: 1 << 20 });
    if (offload) this.offloaded = new OffloadedDigests();
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
      this.offloaded.update(chunk, (error) => (error ? callback(error) : callback(null, chunk)));
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
    if (this.offloaded && !this.digests) this.offloaded.abort();
    callback(error);
  }

  private verify(digests: Digests, callback: TransformCallback): void {
    const { size, checksum, sha256 } = this.expected;
    if (size !== undefined && digests.size !== size) {
      callback(new BadDigestError('size', `${size} bytes`, `${digests.size} bytes`));
      return;
    }
    let trailing: Pick<UploadExpectations, 'checksum' | 'sha256'> = {};
    try {
      // The source has ended, so its trailers have arrived (Node fills them in before 'end').
      trailing = this.hooks.trailing?.() ?? {};
    } catch (error) {
      callback(error as Error);
      return;
    }
    for (const md5 of [checksum, trailing.checksum]) {
      if (md5 !== undefined && digests.checksum !== md5) {
        callback(new BadDigestError('checksum', `MD5 ${md5}`, `MD5 ${digests.checksum}`));
        return;
      }
    }
    for (const sha of [sha256, trailing.sha256]) {
      if (sha !== undefined && digests.sha256 !== sha) {
        callback(new BadDigestError('sha256', `SHA-256 ${sha}`, `SHA-256 ${digests.sha256}`));
        return;
      }
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
