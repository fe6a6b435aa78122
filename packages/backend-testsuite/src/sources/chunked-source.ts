import { Readable } from 'node:stream';

/** Yields `data` lazily, `chunkSize` bytes per chunk. */
export function chunkedSource(data: Buffer, chunkSize = 64 * 1024): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (offset >= data.length) {
        this.push(null);
        return;
      }
      const end = Math.min(offset + chunkSize, data.length);
      const chunk = data.subarray(offset, end);
      offset = end;
      this.push(chunk);
    },
  });
}
