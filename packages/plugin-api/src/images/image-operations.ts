import type { Readable } from 'node:stream';
import type { ByteRange, ObjectReader } from '../backend/backend.js';
import type { ImageAction, OperationContext, TransferStats } from '../hooks/contexts.js';
import type { Image } from '../image/image.js';

/** One filter of a listing: a base column or a custom property equal to `value`. */
export interface ListFilter {
  field: string;
  value: string | number;
  /** True for custom properties, false for base columns. */
  property: boolean;
}

export interface ListOptions {
  filters?: ListFilter[];
  sort?: string;
  dir?: 'asc' | 'desc';
  limit?: number;
  marker?: string | null;
  /** A keyset cursor from a previous ListResult's `nextCursor` (opaque); wins over `marker`. */
  cursor?: string | null;
  /** Include custom properties and every field (the detail listing). */
  detail?: boolean;
}

export interface ListResult {
  images: Image[];
  /** The marker for the next page, when more images remain. */
  nextMarker: string | null;
  /** The keyset cursor for the next page, when more images remain: it holds the position, so it survives deletions. */
  nextCursor: string | null;
}

/** What the client declared about the bytes it sends; each is checked when given. */
export interface UploadExpectations {
  /** Bytes. */
  size?: number;
  /** MD5, lower-case hex. */
  checksum?: string;
  /** SHA-256, lower-case hex. */
  sha256?: string;
  /** The server's limit on an image's size in bytes, if any. */
  maxBytes?: number | null;
}

export interface UploadSource {
  stream: Readable;
  expect: UploadExpectations;
  /** Aborted when the client goes away. */
  signal?: AbortSignal;
  /** The body's length when the transport knows it (Content-Length); used to pick the fastest hashing. */
  lengthHint?: number;
  /** Called once, just before the bytes are first read (HTTP: sends `100 Continue` to a client waiting for it). */
  begin?(): void;
  /**
   * Digests the client sends after the bytes (HTTP: trailer fields), known once `stream` has
   * ended; checked like those of `expect`, before the store commits. Throws (a VisorError) when
   * they are malformed, or announced and missing.
   */
  trailing?(): Pick<UploadExpectations, 'checksum' | 'sha256'>;
}

/**
 * A download answered by sending the client elsewhere (a presigned store URL,
 * a CDN): what `openDownload` gives a caller that can redirect (the REST API).
 */
export interface DownloadRedirect {
  image: Image;
  /** Absolute URL the client is sent to with `302 Found`. */
  redirect: string;
  range: ByteRange | null;
  stream?: undefined;
  reader?: undefined;
  /** Call once the redirect was sent (or failed); tracking records it as a redirected download. */
  finish(stats: Omit<TransferStats, 'durationMs'>): void;
}

/** A download Visor streams itself. */
export interface Download {
  image: Image;
  redirect?: undefined;
  /** The bytes of the range (or the whole file); made on first access. Read either `stream` or `reader`, not both. */
  readonly stream: Readable;
  /**
   * The open reader when the store has cheap positional reads: a caller that
   * reuses its buffers reads `range` (or bytes 0..size-1) from it and closes it.
   */
  readonly reader: ObjectReader | undefined;
  /** The range served, or null for the whole file. */
  range: ByteRange | null;
  /** Call once the stream ended or failed, with what was sent. */
  finish(stats: Omit<TransferStats, 'durationMs'>): void;
}

/** What a caller that can send its client elsewhere gets: the bytes, or where to fetch them. */
export type DownloadAnswer = Download | DownloadRedirect;

/**
 * The image operations, as the REST API and embedding programs call them.
 * Every operation checks access (`authorizeImage`) for `context` and runs
 * the hooks; errors are VisorErrors (NotFoundError for a hidden image,
 * ForbiddenError, ConflictError for a wrong status, InvalidFieldError...).
 */
export interface ImageOperations {
  /** One image, if `context` may perform `action` on it. */
  get(id: string, context?: OperationContext, action?: ImageAction): Promise<Image>;
  /** Reads metadata on a client's behalf (HEAD, GET meta): counted by tracking plugins. */
  readMetadata(id: string, context?: OperationContext): Promise<Image>;
  list(options?: ListOptions, context?: OperationContext): Promise<ListResult>;
  /** Registers metadata only (status `locked`), or, with a `location` in a store that registers locations, an available image. */
  register(input: unknown, context?: OperationContext): Promise<Image>;
  /** Registers and uploads in one go; if the upload fails the record goes too. */
  registerWithFile(input: unknown, source: UploadSource, context?: OperationContext): Promise<Image>;
  /** Uploads the file of an image in status `locked` or `error`. */
  upload(id: string, source: UploadSource, context?: OperationContext): Promise<Image>;
  /**
   * The bytes of an image (or of a range), for callers that consume them
   * (in-process use): never a redirect, whatever `beforeDownload` taps or the
   * store's `redirectDownloads` say.
   */
  download(id: string, range?: ByteRange | null, context?: OperationContext): Promise<Download>;
  update(id: string, input: unknown, context?: OperationContext): Promise<Image>;
  /** Deletes the stored object (where the store deletes) and the record. */
  delete(id: string, context?: OperationContext): Promise<Image>;
}
