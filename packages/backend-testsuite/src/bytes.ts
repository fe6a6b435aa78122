import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';

/** Reads a stream to its end and returns everything it yielded. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<unknown>) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
  }
  return Buffer.concat(chunks);
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Random bytes, so that an offset mistake can never read back as the right data. */
export function randomData(size: number): Buffer {
  return randomBytes(size);
}
