import { Readable } from 'node:stream';
import {
  BackendError,
  InvalidRangeError,
  ObjectNotFoundError,
  WRITABLE_STORE,
  type Backend,
  type BackendCapabilities,
  type BackendHealth,
  type ByteRange,
  type CleanupOptions,
  type GetOptions,
  type GetResult,
  type ObjectInfo,
  type PutOptions,
  type PutResult,
} from '@visor/plugin-api';
import { storageFailure } from './errors.js';
import { assertSafeKey } from './keys.js';
import type { ResolvedHdfsOptions } from './options.js';
import { removeLeftovers, type OldLeftovers } from './remove-leftovers.js';
import { StoreLayout } from './store-layout.js';
import { storeHealth } from './store-health.js';
import { WebHdfsClient } from './webhdfs/webhdfs-client.js';

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function checkRange(range: ByteRange, size: number, store: string, key: string): void {
  const { start, end } = range;
  if (Number.isSafeInteger(start) && Number.isSafeInteger(end) && start >= 0 && start <= end && end < size) return;
  const extent = size === 0 ? 'the object is empty' : `the object has bytes 0-${size - 1}`;
  throw new InvalidRangeError(store, key, `${start}-${end}: ${extent}`);
}

/**
 * What the hdfs backend declares: a writable store whose datanodes serve
 * ranges (OPEN `offset`/`length`), whose locations are known before a write;
 * no positional reads (each read would be two HTTP requests), no presigned
 * URLs (WebHDFS has none; a redirect would hand out the token).
 */
export const HDFS_CAPABILITIES: BackendCapabilities = Object.freeze({ ...WRITABLE_STORE, rangeReads: true, locateBeforeWrite: true });

/** An HDFS modification time as the object's version (what the contract suggests for HDFS). */
function infoOf(status: { length: number; modificationTime: number }): ObjectInfo {
  return { size: status.length, modifiedAt: new Date(status.modificationTime), version: String(status.modificationTime) };
}

/** A store in an HDFS directory, reached through WebHDFS; see the package README for layout and guarantees. */
export class HdfsBackend implements Backend {
  readonly type = 'hdfs';
  readonly capabilities = HDFS_CAPABILITIES;
  readonly layout: StoreLayout;
  readonly client: WebHdfsClient;
  /** Names of this process's temporary files still being written, which cleanup() must spare. */
  private readonly writing = new Set<string>();
  /** Temporary files the last cleanup() with minAgeMs found old, with their length and modification time. */
  private oldLeftovers: OldLeftovers = new Map();

  constructor(
    readonly name: string,
    private readonly options: ResolvedHdfsOptions,
  ) {
    this.layout = new StoreLayout(name, options.directory, options.namenodes);
    this.client = new WebHdfsClient({
      namenodes: options.namenodes,
      user: options.user,
      delegationToken: options.delegationToken,
      timeoutMs: options.timeoutMs,
      datanodeRewrites: options.datanodeHosts,
      noRedirect: options.noRedirect,
    });
  }

  /** Creates the store directory and its `.tmp` (MKDIRS creates parents; an existing directory is fine). */
  async prepare(): Promise<void> {
    await this.client.mkdirs(this.layout.tempDirectory);
  }

  /**
   * Streams `source` into a fresh temporary file (CREATE in two steps), then
   * RENAMEs it over `<directory>/<key>`: readers see the old object or the
   * new one, whole. A failed or aborted write deletes its temporary file.
   */
  async put(key: string, source: Readable, options: PutOptions = {}): Promise<PutResult> {
    assertSafeKey(this.name, key);
    options.signal?.throwIfAborted();
    const tempPath = this.layout.tempPath(key);
    const tempName = basename(tempPath);
    this.writing.add(tempName);
    try {
      await this.client.create(tempPath, source, {
        overwrite: false,
        permission: this.options.permission,
        replication: this.options.replication,
        blockSize: this.options.blockSize,
        size: options.size,
        signal: options.signal,
      });
      options.signal?.throwIfAborted();
      const written = await this.client.getFileStatus(tempPath);
      await this.client.renameOverwriting(tempPath, this.layout.objectPath(key));
      return { location: this.layout.locationOf(key), size: written.length, version: String(written.modificationTime) };
    } catch (error) {
      // A file that cannot be deleted now (HDFS unreachable) is a leftover for cleanup(); the write's own error matters more.
      await this.client.delete(tempPath).catch(() => undefined);
      throw storageFailure(error, this.name, key);
    } finally {
      this.writing.delete(tempName);
    }
  }

  locationOf(key: string): string {
    assertSafeKey(this.name, key);
    return this.layout.locationOf(key);
  }

  /**
   * GETFILESTATUS, then OPEN with `offset` and `length`: a missing object or
   * a range outside it rejects here, before any byte is streamed.
   */
  async get(location: string, options: GetOptions = {}): Promise<GetResult> {
    const key = this.layout.keyOf(location);
    options.signal?.throwIfAborted();
    try {
      const info = await this.stat(location);
      let offset = 0;
      let length = info.size;
      if (options.range) {
        checkRange(options.range, info.size, this.name, key);
        offset = options.range.start;
        length = options.range.end - options.range.start + 1;
      }
      if (length === 0) return { body: Readable.from([]), info };
      const body = await this.client.open(this.layout.objectPath(key), { offset, length, signal: options.signal });
      return { body, info };
    } catch (error) {
      throw storageFailure(error, this.name, key);
    }
  }

  async stat(location: string): Promise<ObjectInfo> {
    const key = this.layout.keyOf(location);
    try {
      const status = await this.client.getFileStatus(this.layout.objectPath(key));
      if (status.type !== 'FILE') throw new BackendError(this.name, key, `the stored object is a ${status.type.toLowerCase()}, not a file`);
      return infoOf(status);
    } catch (error) {
      throw storageFailure(error, this.name, key);
    }
  }

  async delete(location: string): Promise<void> {
    const key = this.layout.keyOf(location);
    let deleted: boolean;
    try {
      deleted = await this.client.delete(this.layout.objectPath(key));
    } catch (error) {
      throw storageFailure(error, this.name, key);
    }
    if (!deleted) throw new ObjectNotFoundError(this.name, key);
  }

  health(): Promise<BackendHealth> {
    return storeHealth(this.client, this.layout.directory);
  }

  /**
   * Deletes leftovers of interrupted uploads in `.tmp`, sparing this
   * process's; with `minAgeMs`, by the namenode's clock and only once seen
   * unchanged by two sweeps (see removeLeftovers).
   */
  async cleanup(options: CleanupOptions = {}): Promise<number> {
    try {
      const { removed, old } = await removeLeftovers(this.client, this.layout.tempDirectory, {
        inUse: this.writing,
        minAgeMs: options.minAgeMs,
        previous: this.oldLeftovers,
      });
      if (options.minAgeMs !== undefined) this.oldLeftovers = old;
      return removed;
    } catch (error) {
      throw storageFailure(error, this.name, undefined);
    }
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
