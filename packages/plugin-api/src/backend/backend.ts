import type { Readable } from 'node:stream';
import type { Logger } from '../util/logger.js';

/** An inclusive byte range, as in HTTP: bytes `start` through `end`. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface PutOptions {
  /** The number of bytes the source will yield, when known. */
  size?: number;
  /** Aborting discards everything written so far; `put` then rejects. */
  signal?: AbortSignal;
}

export interface PutResult {
  /** Where the object now lives, as a URI the same backend accepts in get/stat/delete. */
  location: string;
  /** Bytes written. */
  size: number;
}

export interface GetOptions {
  range?: ByteRange;
  signal?: AbortSignal;
}

export interface ObjectStat {
  size: number;
  modifiedAt?: Date;
}

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

export interface BackendHealth {
  ok: boolean;
  message?: string;
}

/**
 * The common storage API every backend package implements.
 *
 * Contract (checked by @visor/backend-testsuite):
 * - `put` streams `source` with backpressure; the object becomes visible at its
 *   location only once every byte is written. If the source errors, the signal
 *   aborts or the write fails, nothing is left behind and `put` rejects.
 * - `get`, `stat` and `delete` reject with `ObjectNotFoundError` for a missing
 *   object and with `InvalidKeyError` for a location that is not this backend's.
 * - `get` with a range yields exactly bytes start..end (inclusive).
 * - `locationOf`, where offered, returns exactly the location `put` would.
 * - `openReader`, where offered, reads the same bytes as `get` at any position
 *   and rejects like `get` for missing objects and foreign locations.
 * - Every error names the backend and the key (use the BackendError classes).
 */
export interface Backend {
  /** The store's configured name, e.g. `default` or `archive`. */
  readonly name: string;
  /** The backend type, e.g. `fs` or `s3`. */
  readonly type: string;
  /** True for sources Visor can read from but not write to. */
  readonly readOnly: boolean;

  put(key: string, source: Readable, options?: PutOptions): Promise<PutResult>;
  /**
   * Optional: the location `put(key)` stores at, computed without storing.
   * With it, rolling back an upload interrupted by a crash also removes a file
   * the crash left committed but unrecorded.
   */
  locationOf?(key: string): string;
  get(location: string, options?: GetOptions): Promise<Readable>;
  /**
   * Optional: random access to an object, for callers that reuse their own
   * buffers. Backends with cheap positional reads (files) offer it; the
   * server then serves downloads from it instead of `get`.
   */
  openReader?(location: string): Promise<ObjectReader>;
  stat(location: string): Promise<ObjectStat>;
  delete(location: string): Promise<void>;
  health(): Promise<BackendHealth>;
  /**
   * Removes leftovers of interrupted writes (temporary files, partial uploads)
   * and resolves to how many it removed; never this process's writes in
   * progress. With `minAgeMs`, only leftovers untouched for at least that
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
  logger: Logger;
}

/** What a backend package exports as its default export. */
export interface BackendPlugin<Options = Record<string, unknown>> {
  readonly kind: 'backend';
  /** The backend type, e.g. `fs`. */
  readonly type: string;
  /** Builds a backend from its options; throws ConfigError naming the bad option. */
  create(options: Options, context: BackendContext): Backend | Promise<Backend>;
}
