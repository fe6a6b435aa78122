import type { IncomingMessage } from 'node:http';
import { BadRequestError, ClientClosedError, PayloadTooLargeError, VisorError } from '@visor/plugin-api';

/** Reads a small (metadata) request body as UTF-8 text, refusing more than `limit` bytes. */
export async function readBody(request: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (declared > limit) throw new PayloadTooLargeError(`the request body is ${declared} bytes; metadata bodies are limited to ${limit}`);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of request) {
      total += (chunk as Buffer).length;
      if (total > limit) throw new PayloadTooLargeError(`the request body is larger than the ${limit}-byte limit for metadata`);
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    // The client went away mid-body (Node: 'aborted', ECONNRESET): nobody is left to answer, and it is no server fault.
    if (!(error instanceof VisorError) && (request.destroyed || (error as { code?: unknown }).code === 'ECONNRESET')) {
      throw new ClientClosedError('the client closed the connection before the request body was complete', { cause: error });
    }
    throw error;
  }
  const text = utf8(Buffer.concat(chunks));
  if (text.trim() === '') throw new BadRequestError('the request body is empty; send the image fields (JSON: {"image": {...}}, XML: <image>...</image>)');
  return text;
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The body as text; bytes that are not UTF-8 get 400 rather than turning silently into U+FFFD. */
function utf8(bytes: Buffer): string {
  try {
    return decoder.decode(bytes);
  } catch (cause) {
    throw new BadRequestError('the request body is not valid UTF-8: send metadata as UTF-8 text', { cause });
  }
}
