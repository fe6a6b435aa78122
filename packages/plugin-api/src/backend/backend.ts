import type { Readable } from 'node:stream';
import type { Logger } from '../logger.js';
import type { PluginErrorCodes } from '../errors/visor-error.js';
import type { BackendCapabilities } from './capabilities.js';

/** An inclusive byte range, as in HTTP (RFC 9110 §14.1.2): bytes `start` through `end`. */
export interface ByteRange {
  start: number;
  end: number;
}

/** What the core knows about an object it is about to store. */
export interface PutOptions {
  /**
   * The number of bytes the source will yield, when known (the client's
   * `Content-Length` or `x-image-meta-size`). A backend that declares
   * `sizeRequired` always gets it.
   */
  size?: number;
  /**
   * The largest object the core accepts (`limits.maxImageBytes`), in bytes; null
   * for no limit. A backend uploading in parts sizes them from it when `size`
   * is unknown (S3 allows 10 000 parts per upload).
   */
  maxBytes?: number | null;
  /** The MD5 the client declared (32 hex digits); a store that verifies digests may check it. The core verifies it anyway. */
  md5?: string;
  /** The SHA-256 the client declared (64 hex digits); as `md5`. */
  sha256?: string;
  /** Aborting discards everything written so far; `put` then rejects. */
  signal?: AbortSignal;
}

/** What the store knows of an object: all but `size` where the store keeps them. */
export interface ObjectInfo {
  /** The whole object's size in bytes (for a ranged `get`, still the whole object's). */
  size: number;
  /** The store's entity tag, as the store gives it (S3: quoted MD5 or multipart ETag; HTTP: the `ETag` header). */
  etag?: string;
  /** The store's version of the object (S3 `VersionId`, an HDFS modification time), when it has one. */
  version?: string;
  modifiedAt?: Date;
}

export interface PutResult {
  /** Where the object now lives, as a URI the same backend accepts in get/stat/delete. */
  location: string;
  /** Bytes written. */
  size: number;
  /** The store's entity tag of the new object, when it gives one. */
  etag?: string;
  /** The store's version of the new object, when it keeps versions. */
  version?: string;
}

export interface GetOptions {
  /** Only these bytes; out-of-object ranges reject with InvalidRangeError. */
  range?: ByteRange;
  signal?: AbortSignal;
  /**
   * The object's whole size in bytes as the image record has it, when the caller knows it. A
   * store whose answers may carry no length (an HTTP source answering with chunked transfer
   * coding, RFC 9112 §7.1) holds the bytes it serves to it; stores that always know their
   * objects' sizes may ignore it.
   */
  expectedSize?: number;
}

/** An object's bytes and what the store knows of it, known before the first byte is read. */
export interface GetResult {
  /** The bytes (of the range, or the whole object), with backpressure. */
  body: Readable;
  info: ObjectInfo;
}

/** @deprecated since plugin API 1.0: `ObjectInfo`. */
export type ObjectStat = ObjectInfo;

/**
 * Positional reads of one stored object into buffers the caller owns, so a
 * caller can reuse its buffers (the HTTP server does: downloads then allocate
 * nothing per chunk). Opened by `Backend.openReader`; close it when done.
 */
export interface ObjectReader {
  /** The object's size in bytes when it was opened. */
  readonly size: number;
  /**
   * Reads up to `length` bytes starting at byte `position` into `buffer` from
   * offset 0; resolves to the number of bytes read, 0 only at the end of the
   * object. Rejects with a BackendError naming backend and key.
   */
  read(buffer: Buffer, length: number, position: number): Promise<number>;
  /** Releases the object (file descriptor, connection); safe to call twice. */
  close(): Promise<void>;
}

export interface CleanupOptions {
  /**
   * Remove only leftovers last written at least this many milliseconds ago,
   * judged by the storage's own clock where it has one (an NFS server's, an
   * object store's): hosts' clocks need not agree.
   */
  minAgeMs?: number;
}

export interface RedirectOptions {
  /** Seconds the URL stays valid (a presigned URL's expiry). */
  expiresIn: number;
  /** The HTTP method the URL is for. */
  method: 'GET' | 'HEAD';
}

export interface BackendHealth {
  ok: boolean;
  message?: string;
}

/**
 * The storage API every backend package implements. What a backend can do is
 * in `capabilities`: the core decides from that declaration alone, and calls
 * an optional method only when the capability that goes with it is declared.
 *
 * Contract (checked by @visor/backend-testsuite, cases picked from the capabilities):
 * - `put` streams `source` with backpressure; the object becomes visible at its
 *   location only once every byte is written. If the source errors, the signal
 *   aborts or the write fails, nothing is left behind and `put` rejects.
 * - `get`, `stat` and `delete` reject with `ObjectNotFoundError` for a missing
 *   object and with `InvalidKeyError` for a location that is not this backend's.
 * - `get` resolves once the store has answered (a missing object rejects there,
 *   not later in the stream) with the object's info; with a range it yields
 *   exactly bytes start..end (inclusive), whether the store serves ranges
 *   (`rangeReads`) or the backend skips to them.
 * - `locationOf` (capability `locateBeforeWrite`) returns exactly the location `put` would.
 * - `openReader` (capability `positionalReads`) reads the same bytes as `get`
 *   at any position and rejects like `get` for missing objects and foreign locations.
 * - Every error names the backend and the key (use the BackendError classes);
 *   the core adds them to any error that does not.
 */
export interface Backend {
  /** The store's configured name, e.g. `default` or `archive`. */
  readonly name: string;
  /** The backend type, e.g. `fs` or `s3`. */
  readonly type: string;
  /** What this backend can do; fixed for the backend's life. */
  readonly capabilities: BackendCapabilities;
  /**
   * True when the store's configuration asks that downloads be answered with
   * a redirect to `redirectUrl` instead of streaming through Visor (the
   * `redirectDownloads` option of the S3 and HTTP backends). Needs `redirects`.
   */
  readonly redirectDownloads?: boolean;

  /** Stores an object (capability `write`); a read-only backend rejects with ReadOnlyBackendError. */
  put(key: string, source: Readable, options?: PutOptions): Promise<PutResult>;
  /**
   * Capability `locateBeforeWrite`: the location `put(key)` stores at,
   * computed without storing. With it, rolling back an upload interrupted by
   * a crash also removes an object the crash left committed but unrecorded.
   */
  locationOf?(key: string): string;
  /** Opens an object (or a range of it). */
  get(location: string, options?: GetOptions): Promise<GetResult>;
  /**
   * Capability `positionalReads`: random access to an object into the
   * caller's buffers. Declare it only where a read is cheap (a local file):
   * the core then serves downloads from it, one read per MiB.
   */
  openReader?(location: string): Promise<ObjectReader>;
  stat(location: string): Promise<ObjectInfo>;
  /** Removes an object (capability `delete`). */
  delete(location: string): Promise<void>;
  /**
   * Capability `redirects`: a URL a client can fetch the object from directly,
   * valid for `options.expiresIn` seconds (an S3 presigned URL, AWS S3 API
   * reference "Authenticating Requests: Using Query Parameters"; a source URL).
   */
  redirectUrl?(location: string, options: RedirectOptions): Promise<string>;
  /**
   * Capability `registerLocations`: whether `location` (given by a client
   * registering an image that already lives somewhere) belongs to this store.
   * The core then `stat`s it and records the image as available.
   */
  ownsLocation?(location: string): boolean;
  health(): Promise<BackendHealth>;
  /**
   * Removes leftovers of interrupted writes (temporary files, multipart
   * uploads) and resolves to how many it removed; never this process's writes
   * in progress. With `minAgeMs`, only leftovers untouched for at least that
   * long: other Visor instances sharing the storage may be writing the rest.
   */
  cleanup?(options?: CleanupOptions): Promise<number>;
  close?(): Promise<void>;
}

export interface BackendContext {
  /** The store's configured name. */
  name: string;
  /** Visor's data directory (absolute). */
  dataDir: string;
  /** Directory relative option paths are resolved against (the config file's, else the working directory). */
  baseDir: string;
  /** The dotted configuration key of the options, `stores.<name>.options`: name it in ConfigErrors. */
  optionsKey: string;
  logger: Logger;
}

/** What a backend package exports as its default export. */
export interface BackendPlugin<Options = Record<string, unknown>> {
  readonly kind: 'backend';
  /** The backend type, e.g. `fs`. */
  readonly type: string;
  /** The plugin API version the package was built for, `major.minor` (see PLUGIN_API_VERSION). */
  readonly apiVersion?: string;
  /** Error codes the backend's errors use beyond the core's, with their HTTP statuses. */
  readonly errorCodes?: PluginErrorCodes;
  /** Builds a backend from its options; throws ConfigError naming the bad option (`context.optionsKey`). */
  create(options: Options, context: BackendContext): Backend | Promise<Backend>;
}
