import { Readable } from 'node:stream';
import { BackendError } from '../errors/index.js';
import type { ByteRange, ObjectReader } from './backend.js';

/** Bytes per read: large reads keep the number of system calls and chunks low. */
export const READ_CHUNK = 1024 * 1024;

export interface ReaderStreamOptions {
  range?: ByteRange | undefined;
  signal?: AbortSignal | undefined;
  /** Named in errors. */
  backend: string;
  key: string;
}

/**
 * A Readable over an ObjectReader: bytes `range.start..range.end` (or the
 * whole object) in fresh 1 MiB chunks, reading up to 4 MiB ahead of its
 * consumer. Closes the reader when it ends, fails or is destroyed. An object
 * that ends before the last byte wanted fails the stream: a consumer never
 * mistakes a truncated object for a whole one.
 */
export function readerStream(reader: ObjectReader, options: ReaderStreamOptions): Readable {
  const first = options.range?.start ?? 0;
  const end = options.range === undefined ? reader.size : options.range.end + 1;
  let position = first;
  return new Readable({
    highWaterMark: 4 * READ_CHUNK,
    ...(options.signal ? { signal: options.signal } : {}),
    read() {
      const length = Math.min(READ_CHUNK, end - position);
      if (length <= 0) {
        this.push(null);
        return;
      }
      const buffer = Buffer.allocUnsafeSlow(length);
      reader.read(buffer, length, position).then(
        (count) => {
          if (this.destroyed) return;
          if (count === 0) {
            this.destroy(new BackendError(options.backend, options.key, `the object ended at byte ${position}, before byte ${end - 1}`));
            return;
          }
          position += count;
          this.push(count === length ? buffer : buffer.subarray(0, count));
        },
        (error: Error) => this.destroy(error),
      );
    },
    destroy(error, callback) {
      reader.close().then(
        () => callback(error),
        (closeError: Error) => callback(error ?? closeError),
      );
    },
  });
}
