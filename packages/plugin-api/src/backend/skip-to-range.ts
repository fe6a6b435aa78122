import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { BackendError } from '../errors/index.js';
import type { ByteRange } from './backend.js';

/**
 * Bytes `range.start..range.end` of a stream of a whole object, for stores
 * that do not serve ranges themselves (capability `rangeReads: false`, e.g.
 * Cumulus) or that ignored a `Range` request (an HTTP server answering 200):
 * the bytes before the range are read and dropped, the stream ends after the
 * range and the source is destroyed. A source that ends before `range.end`
 * fails the result with a BackendError naming `backend` and `key`, so a
 * truncated object is never taken for a whole range. Backpressure holds.
 */
export function skipToRange(source: Readable, range: ByteRange, subject: { backend: string; key: string }): Readable {
  let position = 0;
  let done = false;
  const slice = new Transform({
    destroy(error, callback) {
      source.destroy();
      callback(error);
    },
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      if (done) return callback();
      const from = Math.max(range.start - position, 0);
      const to = Math.min(range.end + 1 - position, chunk.length);
      position += chunk.length;
      if (from < to) this.push(from === 0 && to === chunk.length ? chunk : chunk.subarray(from, to));
      if (position > range.end) {
        done = true;
        source.unpipe(this);
        source.destroy();
        this.push(null);
      }
      callback();
    },
    flush(callback: TransformCallback) {
      if (done) return callback();
      callback(new BackendError(subject.backend, subject.key, `the object ended at byte ${position}, before byte ${range.end}`));
    },
  });
  source.on('error', (error) => {
    if (!done) slice.destroy(error);
  });
  source.pipe(slice);
  return slice;
}
