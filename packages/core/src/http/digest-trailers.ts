import type { IncomingMessage } from 'node:http';
import { InvalidFieldError, type UploadExpectations } from '@visor/plugin-api';
import { BASE64_MD5, HEX32, HEX64 } from './image-headers.js';

/** The fields an upload may send after its body, as trailers: its digests, known only once it is read. */
const DIGEST_TRAILERS = ['x-image-meta-checksum', 'x-image-meta-sha256', 'content-md5'];

/** The field names a `Trailer` header announces, lower-cased. */
function announced(req: IncomingMessage): string[] {
  const value = req.headers.trailer;
  if (value === undefined) return [];
  return value
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
}

/**
 * The digest trailers of an upload (RFC 9110 section 6.5, RFC 9112 section 7.1.2): a client
 * that computes the digests while sending a chunked body can send `x-image-meta-checksum`,
 * `x-image-meta-sha256` and `Content-MD5` after it, announced in `Trailer`, and the server
 * checks them before storing, as it checks the same headers.
 *
 * Checks the announcement at once, before any byte is read: an `x-image-meta-*` field other
 * than the two digests cannot come after the body (the image's metadata is taken before it),
 * so announcing one is `400 InvalidField`. Returns the function reading the digests once the
 * body has ended (Node fills `req.trailers` in before the body's end): a digest that is
 * malformed, announced but not sent, or `Content-MD5` and `x-image-meta-checksum` naming
 * different digests throw InvalidFieldError naming the trailer. A digest trailer sent without
 * being announced is checked too.
 */
export function digestTrailers(req: IncomingMessage): () => Pick<UploadExpectations, 'checksum' | 'sha256'> {
  const names = announced(req);
  const misplaced = names.find((name) => name.startsWith('x-image-meta-') && !DIGEST_TRAILERS.includes(name));
  if (misplaced !== undefined) {
    throw new InvalidFieldError(
      misplaced.slice('x-image-meta-'.length).replace(/-/g, '_'),
      `'Trailer' announces '${misplaced}': only x-image-meta-checksum, x-image-meta-sha256 and Content-MD5 may follow the body; send other metadata as headers`,
      { details: { header: 'trailer' } },
    );
  }
  return () => {
    const trailers = req.trailers;
    const missing = names.find((name) => DIGEST_TRAILERS.includes(name) && trailers[name] === undefined);
    if (missing !== undefined) {
      throw new InvalidFieldError(fieldOf(missing), `trailer '${missing}' was announced in 'Trailer' but not sent after the body; nothing was stored`, {
        details: { trailer: missing },
      });
    }
    const out: Pick<UploadExpectations, 'checksum' | 'sha256'> = {};
    const md5 = trailers['x-image-meta-checksum'];
    if (md5 !== undefined) {
      if (!HEX32.test(md5)) throw malformed('x-image-meta-checksum', 'an MD5 in 32 hex digits');
      out.checksum = md5.toLowerCase();
    }
    const sha256 = trailers['x-image-meta-sha256'];
    if (sha256 !== undefined) {
      if (!HEX64.test(sha256)) throw malformed('x-image-meta-sha256', 'a SHA-256 in 64 hex digits');
      out.sha256 = sha256.toLowerCase();
    }
    const contentMd5 = trailers['content-md5'];
    if (contentMd5 !== undefined) {
      if (!BASE64_MD5.test(contentMd5)) throw malformed('content-md5', 'the base64 of a 16-byte MD5 digest');
      const hex = Buffer.from(contentMd5, 'base64').toString('hex');
      if (out.checksum !== undefined && out.checksum !== hex) {
        throw new InvalidFieldError('Content-MD5', "trailers 'Content-MD5' and 'x-image-meta-checksum' name different digests; nothing was stored", {
          details: { trailer: 'content-md5' },
        });
      }
      out.checksum = hex;
    }
    return out;
  };
}

function fieldOf(trailer: string): string {
  return trailer === 'content-md5' ? 'Content-MD5' : trailer.slice('x-image-meta-'.length);
}

function malformed(trailer: string, rule: string): InvalidFieldError {
  return new InvalidFieldError(fieldOf(trailer), `trailer '${trailer}' must be ${rule}; nothing was stored`, { details: { trailer } });
}
