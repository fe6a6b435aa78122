import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

export function md5(data: Buffer): string {
  return createHash('md5').update(data).digest('hex');
}

/** `data` in 64 KiB chunks, as a stream an HTTP request body would be. */
export function chunks(data: Buffer, size = 64 * 1024): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (offset >= data.length) {
        this.push(null);
        return;
      }
      this.push(data.subarray(offset, offset + size));
      offset += size;
    },
  });
}

/** Yields `data`, then fails with `error` instead of ending. */
export function failingAfter(data: Buffer, error: Error): Readable {
  const source = chunks(data);
  const original = source._read.bind(source);
  let sent = 0;
  source._read = (n) => {
    if (sent >= data.length) {
      source.destroy(error);
      return;
    }
    sent += 64 * 1024;
    original(n);
  };
  return source;
}

export { randomBytes };
