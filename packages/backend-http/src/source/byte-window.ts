import { Transform, type TransformCallback } from 'node:stream';

export interface ByteWindowOptions {
  /** Bytes dropped first. */
  skip: number;
  /** Bytes passed on after them. */
  count: number;
  /** Input beyond `skip + count` is an error (a whole object must end where recorded), rather than ignored. */
  exactEnd: boolean;
  /** The error for input that ends before the last byte wanted (`received` counts the bytes passed on). */
  tooShort(received: number): Error;
  /** The error for input beyond the window when `exactEnd`. */
  tooLong(): Error;
}

/**
 * Passes on exactly `count` bytes after dropping the first `skip`: checks the
 * length of a whole object, and serves a range from a source that answered
 * the whole object instead (it ignored `Range`). Ends as soon as it has the
 * last byte wanted; the caller stops the input then.
 */
export function byteWindow(options: ByteWindowOptions): Transform {
  let toSkip = options.skip;
  let left = options.count;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      let data = chunk;
      if (toSkip > 0) {
        const dropped = Math.min(toSkip, data.length);
        toSkip -= dropped;
        data = data.subarray(dropped);
      }
      if (data.length === 0) return callback();
      if (left === 0) return callback(options.exactEnd ? options.tooLong() : null);
      if (data.length > left) {
        if (options.exactEnd) return callback(options.tooLong());
        this.push(data.subarray(0, left));
        left = 0;
        this.push(null);
        return callback();
      }
      this.push(data);
      left -= data.length;
      if (left === 0 && !options.exactEnd) this.push(null);
      callback();
    },
    flush(callback: TransformCallback) {
      callback(left > 0 ? options.tooShort(options.count - left) : null);
    },
  });
}
