import { InvalidFieldError, type UploadExpectations } from '@visor/plugin-api';
import type { IncomingHttpHeaders } from 'node:http';
import type { ImageView } from './image-view.js';

const PREFIX = 'x-image-meta-';
const HEX32 = /^[0-9a-f]{32}$/i;
const HEX64 = /^[0-9a-f]{64}$/i;
const BASE64_MD5 = /^[A-Za-z0-9+/]{22}==$/;

/** The image as `x-image-meta-<field>` headers; values percent-encoded UTF-8, nulls left out. */
export function imageHeaders(view: ImageView): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [field, value] of Object.entries(view)) {
    if (value === null || value === undefined) continue;
    headers[`${PREFIX}${field}`] = encodeURIComponent(String(value));
  }
  return headers;
}

/** Metadata sent as headers with an upload; `-` in names stands for `_` (proxies drop underscores). */
export function metadataFromHeaders(headers: IncomingHttpHeaders): { metadata: Record<string, string>; expect: UploadExpectations } {
  const metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers)) {
    if (!name.startsWith(PREFIX) || raw === undefined) continue;
    const field = name.slice(PREFIX.length).replace(/-/g, '_');
    const joined = Array.isArray(raw) ? raw.join(',') : raw;
    try {
      metadata[field] = decodeURIComponent(joined);
    } catch (cause) {
      throw new InvalidFieldError(field, `header '${name}' is not valid percent-encoded UTF-8`, { cause });
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

/** Makes any text safe as a header value: non-printable and non-ASCII characters percent-encoded. */
export function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/gu, (c) => encodeURIComponent(c));
}
