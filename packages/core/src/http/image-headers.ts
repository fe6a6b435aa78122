import { InvalidFieldError, type UploadExpectations } from '@visor/plugin-api';
import type { IncomingHttpHeaders } from 'node:http';
import { percentEncode } from './header-text.js';
import type { ImageView } from './image-view.js';

const PREFIX = 'x-image-meta-';
/** An MD5 in hex; a SHA-256 in hex; an MD5 in base64 (Content-MD5, RFC 1864). */
export const HEX32 = /^[0-9a-f]{32}$/i;
export const HEX64 = /^[0-9a-f]{64}$/i;
export const BASE64_MD5 = /^[A-Za-z0-9+/]{22}==$/;
// RFC 9110 field-value characters without obs-text: visible ASCII, space and tab.
const PRINTABLE_ASCII = /^[\t\x20-\x7e]*$/;

/** The image as `x-image-meta-<field>` headers; values percent-encoded UTF-8, nulls left out. */
export function imageHeaders(view: ImageView): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [field, value] of Object.entries(view)) {
    if (value === null || value === undefined) continue;
    headers[`${PREFIX}${field}`] = percentEncode(String(value));
  }
  return headers;
}

/**
 * Refuses a metadata field sent twice: the same `x-image-meta-*` header
 * repeated (Node would join the values into "a, b", which is neither), or two
 * spellings of one field (`x-image-meta-os-version` and `...-os_version`), as
 * a repeated query parameter is refused. `rawHeaders` is Node's
 * `req.rawHeaders` (names and values, alternating, as received).
 */
function refuseRepeatedFields(rawHeaders: readonly string[]): void {
  const seen = new Map<string, string>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    if (!name.startsWith(PREFIX)) continue;
    const field = name.slice(PREFIX.length).replace(/-/g, '_');
    const earlier = seen.get(field);
    if (earlier !== undefined) {
      const which = earlier === name ? `header '${name}' is sent more than once` : `headers '${earlier}' and '${name}' both set '${field}'`;
      throw new InvalidFieldError(field, `${which}: send each metadata field once`, { details: { header: name } });
    }
    seen.set(field, name);
  }
}

/**
 * Metadata sent as headers with an upload; `-` in names stands for `_`
 * (proxies drop underscores). With `rawHeaders` (`req.rawHeaders`), a field
 * sent twice is refused with 400 naming the header.
 */
export function metadataFromHeaders(headers: IncomingHttpHeaders, rawHeaders?: readonly string[]): { metadata: Record<string, string>; expect: UploadExpectations } {
  if (rawHeaders !== undefined) refuseRepeatedFields(rawHeaders);
  const metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers)) {
    if (!name.startsWith(PREFIX) || raw === undefined) continue;
    const field = name.slice(PREFIX.length).replace(/-/g, '_');
    const joined = Array.isArray(raw) ? raw.join(',') : raw;
    // Node reads header bytes as Latin-1: a raw UTF-8 byte would be stored as mojibake.
    if (!PRINTABLE_ASCII.test(joined)) {
      throw new InvalidFieldError(
        field,
        `header '${name}' holds a byte that is not printable ASCII: send the value percent-encoded as UTF-8 (Straße as Stra%C3%9Fe, encodeURIComponent in JavaScript)`,
        { details: { header: name } },
      );
    }
    try {
      metadata[field] = decodeURIComponent(joined);
    } catch (cause) {
      throw new InvalidFieldError(field, `header '${name}' is not valid percent-encoded UTF-8: write each byte of the value's UTF-8 as %XX`, {
        cause,
        details: { header: name },
      });
    }
  }
  const expect = expectationsFrom(metadata, headers);
  for (const field of ['size', 'checksum', 'sha256']) delete metadata[field];
  return { metadata, expect };
}

function expectationsFrom(metadata: Record<string, string>, headers: IncomingHttpHeaders): UploadExpectations {
  const expect: UploadExpectations = {};
  if (metadata.size !== undefined) {
    if (!/^\d{1,16}$/.test(metadata.size)) throw new InvalidFieldError('size', "'x-image-meta-size' must be a whole number of bytes");
    expect.size = Number(metadata.size);
  }
  const contentLength = headers['content-length'];
  if (contentLength !== undefined && expect.size !== undefined && Number(contentLength) !== expect.size) {
    throw new InvalidFieldError('size', `'x-image-meta-size' (${expect.size}) and Content-Length (${contentLength}) disagree`);
  }
  if (metadata.checksum !== undefined) {
    if (!HEX32.test(metadata.checksum)) throw new InvalidFieldError('checksum', "'x-image-meta-checksum' must be an MD5 in 32 hex digits");
    expect.checksum = metadata.checksum.toLowerCase();
  }
  if (metadata.sha256 !== undefined) {
    if (!HEX64.test(metadata.sha256)) throw new InvalidFieldError('sha256', "'x-image-meta-sha256' must be a SHA-256 in 64 hex digits");
    expect.sha256 = metadata.sha256.toLowerCase();
  }
  const rawMd5 = headers['content-md5'];
  const contentMd5 = Array.isArray(rawMd5) ? rawMd5.join(',') : rawMd5;
  if (contentMd5 !== undefined) {
    if (!BASE64_MD5.test(contentMd5)) throw new InvalidFieldError('Content-MD5', "'Content-MD5' must be the base64 of a 16-byte MD5 digest");
    const hex = Buffer.from(contentMd5, 'base64').toString('hex');
    if (expect.checksum !== undefined && expect.checksum !== hex) {
      throw new InvalidFieldError('Content-MD5', "'Content-MD5' and 'x-image-meta-checksum' name different digests");
    }
    expect.checksum = hex;
  }
  return expect;
}
