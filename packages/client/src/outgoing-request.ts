import type { TransferWatch } from './transfer-watch.js';
import { TRAILER_FIELDS, type DigestTrailer, type RequestBody } from './upload-body.js';

/** One request as a transport sends it: signed headers, the body, and a watch of what moved. */
export interface OutgoingRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: RequestBody;
  trailer?: DigestTrailer;
  watch: TransferWatch;
}

/** Whether an answer's status is one the client hands back (2xx, and 304 for conditional downloads) rather than an error. */
export const isSuccess = (status: number) => (status >= 200 && status < 300) || status === 304;

/** The `Trailer` header value announcing a digest trailer's fields. */
export const announcedTrailer = (trailer: DigestTrailer) => trailer.fields.map((field) => TRAILER_FIELDS[field]).join(', ');

/** The trailer fields to send: each announced digest the trailer resolved with, under its header name. */
export function trailerFields(trailer: DigestTrailer, digests: { checksum?: string; sha256?: string }): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const field of trailer.fields) {
    const value = digests[field];
    if (value !== undefined) fields[TRAILER_FIELDS[field]] = value;
  }
  return fields;
}
