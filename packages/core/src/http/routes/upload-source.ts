import { ClientClosedError, type UploadSource } from '@visor/plugin-api';
import type { Exchange } from '../exchange.js';
import { metadataFromHeaders } from '../image-headers.js';

/** The request body as an upload, with its declared digests and a signal for a vanished client. */
export function uploadFrom(exchange: Exchange): { metadata: Record<string, string>; source: UploadSource } {
  const { metadata, expect } = metadataFromHeaders(exchange.req.headers);
  const controller = new AbortController();
  exchange.req.once('close', () => {
    if (!exchange.req.complete) controller.abort(new ClientClosedError());
  });
  const length = Number(exchange.req.headers['content-length']);
  const source: UploadSource = {
    stream: exchange.req,
    expect,
    signal: controller.signal,
    begin: () => exchange.continueBody(),
    ...(Number.isSafeInteger(length) ? { lengthHint: length } : {}),
  };
  return { metadata, source };
}

export function isUpload(exchange: Exchange): boolean {
  return exchange.req.headers['content-type']?.split(';')[0]?.trim().toLowerCase() === 'application/octet-stream';
}

/**
 * A registration in the header form without a file: `x-image-meta-*`
 * headers and no body (no Content-Type, no length or length 0), e.g. an
 * image registered by `x-image-meta-location`.
 */
export function isHeaderRegistration(exchange: Exchange): boolean {
  const { headers } = exchange.req;
  if (headers['content-type'] !== undefined || headers['transfer-encoding'] !== undefined) return false;
  if (headers['content-length'] !== undefined && headers['content-length'] !== '0') return false;
  return Object.keys(headers).some((name) => name.startsWith('x-image-meta-'));
}

/** The fields of a header-form registration; declared digests go along for a registration by location to check. */
export function registrationFromHeaders(exchange: Exchange): Record<string, string> {
  const { metadata, expect } = metadataFromHeaders(exchange.req.headers);
  return {
    ...metadata,
    ...(expect.checksum === undefined ? {} : { checksum: expect.checksum }),
    ...(expect.sha256 === undefined ? {} : { sha256: expect.sha256 }),
  };
}
