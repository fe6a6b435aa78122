import { pipeline } from 'node:stream/promises';
import { BadRequestError, InvalidFieldError, quoted, type Image, type UploadExpectations } from '@visor/plugin-api';
import type { ImageService } from '../../images/image-service.js';
import type { Exchange } from '../exchange.js';
import { imageHeaders } from '../image-headers.js';
import { briefView, fullView } from '../image-view.js';
import { nextPageQuery, parseListQuery } from '../list-query.js';
import { parseRange } from '../range.js';
import { sendFromReader } from '../send-from-reader.js';
import { isNotModified, validatorHeaders, type Validators } from '../conditional.js';
import type { Route } from './route.js';
import { isUpload, uploadFrom } from './upload-source.js';

function unwrapImage(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || !('image' in body)) {
    throw new InvalidFieldError('image', "the body must be {\"image\": {...}} (XML: <image>...</image>)");
  }
  // A member beside `image` would be dropped unseen; the client meant something by it.
  const extra = Object.keys(body).find((key) => key !== 'image');
  if (extra !== undefined) {
    throw new InvalidFieldError(extra, `unknown member ${quoted(extra)} beside 'image': the body must be {"image": {...}} and nothing else`);
  }
  return (body as { image: unknown }).image;
}

/** The digests an x-image-meta registration declares, as registration fields. */
const declaredDigests = (expect: UploadExpectations) => ({
  ...(expect.checksum === undefined ? {} : { checksum: expect.checksum }),
  ...(expect.sha256 === undefined ? {} : { sha256: expect.sha256 }),
});

/** The image's entity tag: its MD5, which an image registered by location may not have (yet). */
const etagOf = (image: Image) => (image.checksum === null ? undefined : `"${image.checksum}"`);

/** The validators of an image's file (GET /images/:id's representation); null while it has none. */
function validatorsOf(image: Image): Validators | null {
  if (image.status !== 'available') return null;
  return { etag: etagOf(image), lastModified: new Date(image.uploaded_at ?? image.updated_at) };
}

export function imageRoutes(images: ImageService): Route[] {
  const sendImage = (ex: Exchange, status: number, image: Image, headers: Record<string, string> = {}) =>
    ex.sendDocument(status, { root: 'image', body: { image: fullView(image, ex.baseUrl) } }, headers);

  const list = (detail: boolean) => async (ex: Exchange) => {
    const options = { ...parseListQuery(ex.query), detail };
    const { images: page, nextCursor } = await images.list(options, ex.operation);
    const body: Record<string, unknown> = { images: page.map((image) => (detail ? fullView(image, ex.baseUrl) : briefView(image))) };
    const headers: Record<string, string> = {};
    if (nextCursor !== null) {
      const next = `${ex.baseUrl}${ex.context.path}?${nextPageQuery(ex.query, nextCursor)}`;
      body.next = next;
      headers.link = `<${next}>; rel="next"`;
    }
    ex.sendDocument(200, { root: 'images', body }, headers);
  };

  return [
    { method: 'GET', path: '/images', handle: list(false) },
    { method: 'GET', path: '/images/detail', handle: list(true) },
    {
      method: 'POST',
      path: '/images',
      async handle(ex) {
        let image: Image;
        if (isUpload(ex)) {
          const { metadata, source } = uploadFrom(ex);
          // The header form of a registration by location: the object is in a store already, no body follows.
          image =
            metadata.location === undefined
              ? await images.registerWithFile(metadata, source, ex.operation)
              : await images.register({ ...metadata, ...declaredDigests(source.expect) }, ex.operation);
        } else {
          image = await images.register(unwrapImage(await ex.body()), ex.operation);
        }
        sendImage(ex, 201, image, { location: `${ex.baseUrl}/images/${image.id}` });
      },
    },
    {
      method: 'HEAD',
      path: '/images/:id',
      rawBody: true,
      async handle(ex) {
        const image = await images.get(ex.params.id!, ex.operation);
        const headers = imageHeaders(fullView(image, ex.baseUrl));
        const current = validatorsOf(image);
        if (current !== null) Object.assign(headers, validatorHeaders(current), { 'accept-ranges': 'bytes' });
        // The same conditional evaluation as GET; a revalidation answered 304 is no access.
        if (isNotModified(ex.req.headers, current)) {
          ex.sendEmpty(304, headers);
          return;
        }
        images.metadataRead(image, ex.operation);
        ex.sendEmpty(200, headers);
      },
    },
    {
      method: 'GET',
      path: '/images/:id/meta',
      async handle(ex) {
        sendImage(ex, 200, await images.readMetadata(ex.params.id!, ex.operation));
      },
    },
    {
      method: 'GET',
      path: '/images/:id',
      rawBody: true,
      async handle(ex) {
        const image = await images.get(ex.params.id!, ex.operation, 'download');
        const size = images.downloadableSize(image);
        const current = validatorsOf(image)!;
        const etag = current.etag;
        const common: Record<string, string> = {
          ...imageHeaders(fullView(image, ex.baseUrl)),
          ...validatorHeaders(current),
          'accept-ranges': 'bytes',
        };
        if (isNotModified(ex.req.headers, current)) {
          ex.sendEmpty(304, common);
          return;
        }
        const ifRange = ex.req.headers['if-range'];
        const range = ifRange === undefined || ifRange === etag ? parseRange(ex.req.headers.range, size) : null;
        const download = await images.openDownload(image, range, ex.operation);
        if (download.redirect !== undefined) {
          // The client fetches the bytes (and its range) from there; nothing passes through Visor.
          ex.sendEmpty(302, { location: download.redirect, 'cache-control': 'no-store' });
          download.finish({ bytes: 0, outcome: 'redirected' });
          return;
        }
        const headers: Record<string, string> = { ...common, 'content-type': 'application/octet-stream' };
        if (range === null) {
          headers['content-length'] = String(size);
          if (image.checksum !== null) headers['content-md5'] = Buffer.from(image.checksum, 'hex').toString('base64');
        } else {
          headers['content-length'] = String(range.end - range.start + 1);
          headers['content-range'] = `bytes ${range.start}-${range.end}/${size}`;
        }
        ex.res.writeHead(range === null ? 200 : 206, headers);
        const length = Number(headers['content-length']);
        if (download.reader) {
          const first = range?.start ?? 0;
          const result = await sendFromReader(download.reader, ex.res, { start: first, end: first + length - 1, backend: image.store, key: image.id });
          download.finish({ bytes: result.bytes, outcome: result.outcome });
          if (result.outcome === 'failed') ex.logFailure('download failed after its head was sent', result.error);
          return;
        }
        let sent = 0;
        download.stream.on('data', (chunk: Buffer) => {
          sent += chunk.length;
        });
        // Who broke the download: once pipeline rejects, the response is destroyed either way. The
        // store's stream failing first finds the response still open (this listener runs before
        // pipeline's); a client gone first has closed it, and pipeline then destroys the stream.
        let storeFailed = false;
        download.stream.once('error', () => {
          storeFailed = !ex.res.destroyed;
        });
        try {
          await pipeline(download.stream, ex.res);
          download.finish({ bytes: sent, outcome: 'completed' });
        } catch (error) {
          // A client may close the moment the last byte arrives: every byte handed over counts as complete.
          const outcome = sent === length ? 'completed' : storeFailed ? 'failed' : 'aborted';
          download.finish({ bytes: sent, outcome });
          if (outcome === 'failed') {
            ex.logFailure('download failed after its head was sent', error);
            ex.res.destroy();
          } else if (!ex.res.destroyed) throw error;
        }
      },
    },
    {
      method: 'PUT',
      path: '/images/:id',
      async handle(ex) {
        if (isUpload(ex)) {
          const { metadata, source } = uploadFrom(ex);
          const extra = Object.keys(metadata);
          if (extra.length > 0) {
            throw new BadRequestError(
              `an upload accepts only x-image-meta-size, -checksum and -sha256; change ${extra.join(', ')} with a JSON or XML update`,
            );
          }
          sendImage(ex, 200, await images.upload(ex.params.id!, source, ex.operation));
          return;
        }
        sendImage(ex, 200, await images.update(ex.params.id!, unwrapImage(await ex.body()), ex.operation));
      },
    },
    {
      method: 'DELETE',
      path: '/images/:id',
      async handle(ex) {
        sendImage(ex, 200, await images.delete(ex.params.id!, ex.operation));
      },
    },
  ];
}
