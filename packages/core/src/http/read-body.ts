import type { IncomingMessage } from 'node:http';
import { BadRequestError, ClientClosedError, PayloadTooLargeError, UnsupportedMediaTypeError, VisorError } from '@visor/plugin-api';

/**
 * A better reason than "not valid UTF-8" for a body that is not, if its
 * format tells one (an XML declaration of another encoding): given the body
 * read as Latin-1 (every byte one character, so ASCII declarations show as
 * written), the error to answer with, or undefined.
 */
export type NotUtf8Reason = (latin1: string) => VisorError | undefined;

/**
 * Reads a small (metadata) request body as UTF-8 text, refusing more than
 * `limit` bytes. Rejects with PayloadTooLargeError, ClientClosedError,
 * UnsupportedMediaTypeError (a UTF-16/UTF-32 byte order mark), `reason`'s
 * error for a body that is not UTF-8 where it gives one, else BadRequestError.
 */
export async function readBody(request: IncomingMessage, limit: number, reason?: NotUtf8Reason): Promise<string> {
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
  const text = utf8(Buffer.concat(chunks), reason);
  if (text.trim() === '') throw new BadRequestError('the request body is empty; send the image fields (JSON: {"image": {...}}, XML: <image>...</image>)');
  return text;
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Byte order marks of the encodings a body might be in instead of UTF-8 (UTF-32 first: its LE mark starts like UTF-16's). */
const OTHER_MARKS: ReadonlyArray<[string, Buffer]> = [
  ['UTF-32LE', Buffer.from([0xff, 0xfe, 0x00, 0x00])],
  ['UTF-32BE', Buffer.from([0x00, 0x00, 0xfe, 0xff])],
  ['UTF-16LE', Buffer.from([0xff, 0xfe])],
  ['UTF-16BE', Buffer.from([0xfe, 0xff])],
];

/**
 * The body as text. A body that starts with a UTF-16 or UTF-32 byte order
 * mark gets 415 naming it (it is text, in an encoding Visor does not read);
 * other bytes that are not UTF-8 get `reason`'s error, else 400, rather than
 * turning silently into U+FFFD. A UTF-8 byte order mark is kept for the
 * encoder (XML allows one).
 */
function utf8(bytes: Buffer, reason: NotUtf8Reason | undefined): string {
  const mark = OTHER_MARKS.find(([, prefix]) => bytes.subarray(0, prefix.length).equals(prefix));
  if (mark !== undefined) {
    throw new UnsupportedMediaTypeError(`the request body starts with a ${mark[0]} byte order mark: metadata bodies are read as UTF-8 only; send UTF-8`);
  }
  try {
    return decoder.decode(bytes);
  } catch (cause) {
    throw reason?.(bytes.toString('latin1')) ?? new BadRequestError('the request body is not valid UTF-8: send metadata as UTF-8 text', { cause });
  }
}
