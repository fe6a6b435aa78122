import { ClientClosedError, type UploadSource } from '@visor/plugin-api';
import type { Exchange } from '../exchange.js';
import { digestTrailers } from '../digest-trailers.js';
import { metadataFromHeaders } from '../image-headers.js';

/** The request body as an upload, with its declared digests and a signal for a vanished client. */
export function uploadFrom(exchange: Exchange): { metadata: Record<string, string>; source: UploadSource } {
  const { metadata, expect } = metadataFromHeaders(exchange.req.headers, exchange.req.rawHeaders);
  const trailing = digestTrailers(exchange.req);
  const controller = new AbortController();
  // Gone means: closed before the body was read to its end. A body Node already received whole
  // (req.complete) but nobody read yet is lost too when the connection closes (Node destroys
  // the request, e.g. after a malformed request behind it on the same connection).
  const gone = () => !exchange.req.readableEnded;
  if (exchange.req.destroyed && gone()) controller.abort(new ClientClosedError());
  else {
    exchange.req.once('close', () => {
      if (gone()) controller.abort(new ClientClosedError());
    });
  }
  const length = Number(exchange.req.headers['content-length']);
  const source: UploadSource = {
    stream: exchange.req,
    expect,
    signal: controller.signal,
    begin: () => exchange.continueBody(),
    trailing,
    ...(Number.isSafeInteger(length) ? { lengthHint: length } : {}),
  };
  return { metadata, source };
}

export function isUpload(exchange: Exchange): boolean {
  return exchange.req.headers['content-type']?.split(';')[0]?.trim().toLowerCase() === 'application/octet-stream';
}

