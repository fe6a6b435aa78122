import { Readable } from 'node:stream';

/** Yields the first `failAfter` bytes of `data` in small chunks, then errors with `error`. */
export function failingSource(data: Buffer, failAfter: number, error: Error, chunkSize = 16 * 1024): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (offset >= failAfter) {
        this.destroy(error);
        return;
      }
      const end = Math.min(offset + chunkSize, failAfter);
      const chunk = data.subarray(offset, end);
      offset = end;
      this.push(chunk);
    },
  });
}
