import type {
  ByteRange,
  Download,
  DownloadAnswer,
  Image,
  ImageAction,
  ImageOperations,
  ListOptions,
  ListResult,
  OperationContext,
  UploadSource,
} from '@visor/plugin-api';
import { findImage } from './access.js';
import { deleteImage } from './delete.js';
import { downloadableSize, openDownload } from './download.js';
import { DEFAULT_CONTEXT, type ImageDeps } from './image-deps.js';
import { listImages, readMetadata } from './queries.js';
import { register, registerWithFile } from './register.js';
import { update } from './update.js';
import { upload } from './upload.js';

export type { Download, DownloadAnswer, ListOptions, ListResult, UploadSource };
export type ImageServiceOptions = ImageDeps;
export { REDIRECT_EXPIRES_SECONDS } from './download.js';

/**
 * The image operations, shared by the REST API, extension plugins and
 * in-process embedding. Each operation is a file of this folder, reading
 * alone: queries.ts, register.ts (and register-location.ts), upload.ts,
 * download.ts, update.ts, delete.ts.
 */
export class ImageService implements ImageOperations {
  constructor(private readonly deps: ImageDeps) {}

  /** Resolves once every after-hook run started so far has ended (close() waits for it). */
  settle(): Promise<void> {
    return this.deps.afterHooks.settle();
  }

  get(id: string, context: OperationContext = DEFAULT_CONTEXT, action: ImageAction = 'read'): Promise<Image> {
    return findImage(this.deps, id, context, action);
  }

  readMetadata(id: string, context: OperationContext = DEFAULT_CONTEXT): Promise<Image> {
    return readMetadata(this.deps, id, context);
  }

  list(options: ListOptions = {}, context: OperationContext = DEFAULT_CONTEXT): Promise<ListResult> {
    return listImages(this.deps, options, context);
  }

  register(input: unknown, context: OperationContext = DEFAULT_CONTEXT): Promise<Image> {
    return register(this.deps, input, context);
  }

  registerWithFile(input: unknown, source: UploadSource, context: OperationContext = DEFAULT_CONTEXT): Promise<Image> {
    return registerWithFile(this.deps, input, source, context);
  }

  upload(id: string, source: UploadSource, context: OperationContext = DEFAULT_CONTEXT): Promise<Image> {
    return upload(this.deps, id, source, context);
  }

  async download(id: string, range: ByteRange | null = null, context: OperationContext = DEFAULT_CONTEXT): Promise<Download> {
    return (await openDownload(this.deps, await findImage(this.deps, id, context, 'download'), range, context, false)) as Download;
  }

  /**
   * Opens the file of an image already fetched (and authorized) with
   * `get(id, context, 'download')`. With `{ redirect: true }` (the REST API)
   * the answer may be a redirect instead of the bytes (see download.ts).
   */
  openDownload(image: Image, range: ByteRange | null, context: OperationContext, how: { redirect: false }): Promise<Download>;
  openDownload(image: Image, range: ByteRange | null, context?: OperationContext, how?: { redirect: boolean }): Promise<DownloadAnswer>;
  openDownload(image: Image, range: ByteRange | null, context: OperationContext = DEFAULT_CONTEXT, how = { redirect: true }): Promise<DownloadAnswer> {
    return openDownload(this.deps, image, range, context, how.redirect);
  }

  /** The size of an image's file; ConflictError when it has none yet. */
  downloadableSize(image: Image): number {
    return downloadableSize(image);
  }

  update(id: string, input: unknown, context: OperationContext = DEFAULT_CONTEXT): Promise<Image> {
    return update(this.deps, id, input, context);
  }

  delete(id: string, context: OperationContext = DEFAULT_CONTEXT): Promise<Image> {
    return deleteImage(this.deps, id, context);
  }
}
