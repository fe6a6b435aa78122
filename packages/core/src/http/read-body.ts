import type { IncomingMessage } from 'node:http';
import { BadRequestError, PayloadTooLargeError } from '@visor/plugin-api';

/** Reads a small (metadata) request body as UTF-8 text, refusing more than `limit` bytes. */
export async function readBody(request: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (declared > limit) throw new PayloadTooLargeError(`the request body is ${declared} bytes; metadata bodies are limited to ${limit}`);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request) {
    total += (chunk as Buffer).length;
    if (total > limit) throw new PayloadTooLargeError(`the request body is larger than the ${limit}-byte limit for metadata`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new BadRequestError('the request body is empty; send the image fields (JSON: {"image": {...}}, XML: <image>...</image>)');
  return text;
}
