import { randomBytes } from 'node:crypto';
import { InvalidKeyError } from '@visor/plugin-api';
import { isSafeKey } from './keys.js';

/** The store's subdirectory for writes in progress. */
export const TEMP_DIRECTORY = '.tmp';
export const TEMP_SUFFIX = '.part';

/**
 * Where a store keeps things in HDFS: images at `<directory>/<key>`, writes
 * in progress at `<directory>/.tmp/<key>.<random>.part`; and its locations,
 * `hdfs://<namenode host>:<port><directory>/<key>`, naming the first
 * configured namenode (any configured namenode's authority is accepted back,
 * so reordering an HA pair keeps old locations readable). Locations never
 * carry a user or a token.
 */
export class StoreLayout {
  readonly tempDirectory: string;
  private readonly authorities: ReadonlySet<string>;
  private readonly locationPrefix: string;

  constructor(
    private readonly store: string,
    readonly directory: string,
    namenodes: readonly URL[],
  ) {
    this.tempDirectory = `${directory}/${TEMP_DIRECTORY}`;
    this.authorities = new Set(namenodes.map((url) => url.host.toLowerCase()));
    this.locationPrefix = `hdfs://${namenodes[0]!.host}`;
  }

  objectPath(key: string): string {
    return `${this.directory}/${key}`;
  }

  /** A fresh temporary path for a write of `key`; never the same twice. */
  tempPath(key: string): string {
    return `${this.tempDirectory}/${key}.${randomBytes(8).toString('hex')}${TEMP_SUFFIX}`;
  }

  locationOf(key: string): string {
    return `${this.locationPrefix}${this.objectPath(key)}`;
  }

  /**
   * The key a location names, judged lexically: an `hdfs:` URL of a
   * configured namenode, without user, query or fragment, whose path is
   * exactly where this store keeps that key. InvalidKeyError otherwise.
   */
  keyOf(location: string): string {
    const refuse = (reason: string) => new InvalidKeyError(this.store, location, reason);
    let url: URL;
    try {
      url = new URL(location);
    } catch {
      throw refuse('not a URL');
    }
    if (url.protocol !== 'hdfs:') throw refuse('not an hdfs: URL');
    if (url.username !== '' || url.password !== '') throw refuse('carries user information');
    if (!this.authorities.has(url.host.toLowerCase())) throw refuse('names another namenode');
    if (url.search !== '' || url.hash !== '') throw refuse('has a query or fragment');
    const prefix = `${this.directory}/`;
    const key = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : '';
    if (!isSafeKey(key)) throw refuse('not an object location of this store');
    return key;
  }
}
