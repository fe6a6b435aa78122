import { randomBytes } from 'node:crypto';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InvalidKeyError } from '@visor/plugin-api';
import { isSafeKey } from './keys.js';

/** Where in-progress writes live, inside the store directory. */
export const TEMP_DIRECTORY = '.tmp';
export const TEMP_SUFFIX = '.part';

/**
 * The store's on-disk layout: objects at `<directory>/<first two chars of key>/<key>`,
 * in-progress writes at `<directory>/.tmp/<key>.<random>.part`, and the
 * mapping between keys and `file:` URL locations.
 */
export class StoreLayout {
  readonly directory: string;
  readonly tempDirectory: string;

  constructor(
    private readonly backend: string,
    directory: string,
  ) {
    this.directory = resolve(directory);
    this.tempDirectory = join(this.directory, TEMP_DIRECTORY);
  }

  objectPath(key: string): string {
    return join(this.directory, key.slice(0, 2), key);
  }

  /** A fresh temporary path for a write of `key`; never the same twice. */
  tempPath(key: string): string {
    return join(this.tempDirectory, `${key}.${randomBytes(8).toString('hex')}${TEMP_SUFFIX}`);
  }

  locationOf(key: string): string {
    return pathToFileURL(this.objectPath(key)).href;
  }

  /**
   * The key a location names, judged lexically: it must be a `file:` URL whose
   * normalised path is exactly where this store keeps that key. Nothing is
   * resolved on disk, so symlinks cannot widen what is accepted.
   */
  keyOf(location: string): string {
    const refuse = (reason: string) => new InvalidKeyError(this.backend, location, reason);
    let url: URL;
    try {
      url = new URL(location);
    } catch {
      throw refuse('not a URL');
    }
    if (url.protocol !== 'file:') throw refuse('not a file: URL');
    if (url.host !== '') throw refuse('names a remote host');
    if (url.search !== '' || url.hash !== '') throw refuse('has a query or fragment');
    let path: string;
    try {
      path = resolve(fileURLToPath(url));
    } catch {
      throw refuse('not a valid file path');
    }
    const key = basename(path);
    if (!isSafeKey(key) || path !== this.objectPath(key)) throw refuse('not an object location of this store');
    return key;
  }
}
