import { mkdir, stat, unlink } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import {
  BackendError,
  StorageFullError,
  WRITABLE_STORE,
  type Backend,
  type BackendCapabilities,
  type BackendHealth,
  type CleanupOptions,
  type GetOptions,
  type GetResult,
  type ObjectInfo,
  type ObjectReader,
  type PutOptions,
  type PutResult,
} from '@visor/plugin-api';
import { directoryHealth } from './directory-health.js';
import { readFailure, storageFailure } from './errno.js';
import { freeBytes } from './free-bytes.js';
import { assertSafeKey } from './keys.js';
import { StoreLayout } from './layout.js';
import type { ResolvedFsOptions } from './options.js';
import { openObjectReader, readObject } from './read-object.js';
import { removeLeftovers } from './remove-leftovers.js';
import { writeAtomically } from './write-atomically.js';

/** A store in a local directory; see the package README for layout and guarantees. */
export class FsBackend implements Backend {
  readonly type = 'fs';
  /** Files: positional reads are cheap, and a key's path is known before it is written. */
  readonly capabilities: BackendCapabilities = Object.freeze({ ...WRITABLE_STORE, positionalReads: true, locateBeforeWrite: true });
  readonly layout: StoreLayout;
  /** Names of this process's temporary files still being written, which cleanup() must spare. */
  private readonly writing = new Set<string>();

  constructor(
    readonly name: string,
    readonly options: ResolvedFsOptions,
  ) {
    this.layout = new StoreLayout(name, options.directory);
  }

  /** Creates the store and temporary directories. */
  async prepare(): Promise<void> {
    await mkdir(this.layout.tempDirectory, { recursive: true });
  }

  async put(key: string, source: Readable, options: PutOptions = {}): Promise<PutResult> {
    assertSafeKey(this.name, key);
    if (options.size !== undefined) await this.assertRoomFor(key, options.size);
    const tempPath = this.layout.tempPath(key);
    const tempName = basename(tempPath);
    this.writing.add(tempName);
    try {
      const size = await writeAtomically(source, {
        tempPath,
        finalPath: this.layout.objectPath(key),
        fileMode: this.options.fileMode,
        fsync: this.options.fsync,
        signal: options.signal,
      });
      return { location: this.layout.locationOf(key), size };
    } catch (error) {
      throw storageFailure(error, this.name, key);
    } finally {
      this.writing.delete(tempName);
    }
  }

  locationOf(key: string): string {
    assertSafeKey(this.name, key);
    return this.layout.locationOf(key);
  }

  /** A write the disk cannot hold is refused before its first byte: nothing to clean up, no bytes sent for nothing. */
  private async assertRoomFor(key: string, size: number): Promise<void> {
    const free = await freeBytes(this.layout.tempDirectory).catch(() => Infinity); // the write itself will report what is wrong
    if (size > free) {
      throw new StorageFullError(this.name, key, `the store has ${free} bytes free, the object needs ${size}; nothing was stored`);
    }
  }

  async get(location: string, options: GetOptions = {}): Promise<GetResult> {
    const key = this.layout.keyOf(location);
    options.signal?.throwIfAborted();
    return readObject(this.layout.objectPath(key), options, { backend: this.name, key });
  }

  async openReader(location: string): Promise<ObjectReader> {
    const key = this.layout.keyOf(location);
    return openObjectReader(this.layout.objectPath(key), { backend: this.name, key });
  }

  async stat(location: string): Promise<ObjectInfo> {
    const key = this.layout.keyOf(location);
    try {
      const stats = await stat(this.layout.objectPath(key));
      if (!stats.isFile()) throw new BackendError(this.name, key, 'the stored object is not a regular file');
      return { size: stats.size, modifiedAt: stats.mtime };
    } catch (error) {
      throw readFailure(error, this.name, key);
    }
  }

  async delete(location: string): Promise<void> {
    const key = this.layout.keyOf(location);
    try {
      await unlink(this.layout.objectPath(key));
    } catch (error) {
      throw readFailure(error, this.name, key);
    }
  }

  health(): Promise<BackendHealth> {
    return directoryHealth(this.layout.directory, this.layout.tempDirectory);
  }

  async cleanup(options: CleanupOptions = {}): Promise<number> {
    try {
      return await removeLeftovers(this.layout.tempDirectory, this.writing, options.minAgeMs);
    } catch (error) {
      throw storageFailure(error, this.name, undefined);
    }
  }
}
