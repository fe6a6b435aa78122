import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

/** Deterministic test bytes: byte i is (i * 31 + 7) mod 251. */
export function pattern(size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i += 1) out[i] = (i * 31 + 7) % 251;
  return out;
}

/** A Readable that produces `data` in chunks, one per read, counting the chunks it produced. */
export function chunkedReadable(data: Buffer, chunkSize: number): Readable & { produced: () => number } {
  let offset = 0;
  let produced = 0;
  const stream = new Readable({
    read() {
      if (offset >= data.length) return void this.push(null);
      this.push(data.subarray(offset, offset + chunkSize));
      offset += chunkSize;
      produced += 1;
    },
  });
  return Object.assign(stream, { produced: () => produced });
}

export async function readAll(stream: AsyncIterable<Uint8Array | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

export function digest(algorithm: 'md5' | 'sha256', data: Buffer): string {
  return createHash(algorithm).update(data).digest('hex');
}
