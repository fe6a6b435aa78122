import type { Readable } from 'node:stream';
import {
  InvalidKeyError,
  READ_ONLY_SOURCE,
  ReadOnlyBackendError,
  shownLocation,
  type Backend,
  type BackendCapabilities,
  type BackendHealth,
  type GetOptions,
  type GetResult,
  type ObjectInfo,
  type PutResult,
  type RedirectOptions,
} from '@visor/plugin-api';
import { AddressPolicy } from './fetch/address-policy.js';
import type { LookupFunction } from './fetch/guarded-lookup.js';
import { SourceClient } from './fetch/source-client.js';
import { parseSourceUrl } from './fetch/source-url.js';
import type { ResolvedHttpOptions } from './options.js';
import { probeSource } from './source/probe-source.js';
import { readSource } from './source/read-source.js';
import type { SourceObject } from './source/source-object.js';
import { toVisorError } from './source-errors.js';

/** The `http` backend's capabilities: a read-only source that serves ranges and can send clients to the source. */
export const HTTP_CAPABILITIES: BackendCapabilities = Object.freeze({ ...READ_ONLY_SOURCE, rangeReads: true, redirects: true });

/** What the store knows of a source object, in the contract's terms: Last-Modified is the version. */
function infoOf(object: SourceObject): ObjectInfo {
  const modifiedAt = object.lastModified === undefined ? undefined : new Date(object.lastModified);
  return {
    size: object.size,
    ...(object.etag === undefined ? {} : { etag: object.etag }),
    ...(object.lastModified === undefined ? {} : { version: object.lastModified }),
    ...(modifiedAt === undefined || Number.isNaN(modifiedAt.getTime()) ? {} : { modifiedAt }),
  };
}

/**
 * A read-only store of images that live on web servers (backend `http`).
 * Locations are the `http://` and `https://` URLs clients register; every
 * request to them goes through the store's SSRF-guarded SourceClient.
 */
export class HttpBackend implements Backend {
  readonly type = 'http';
  readonly capabilities = HTTP_CAPABILITIES;
  readonly redirectDownloads: boolean;
  private readonly client: SourceClient;

  /** `lookup` replaces dns.lookup under the SSRF guard (tests; nothing else needs it). */
  constructor(
    readonly name: string,
    options: ResolvedHttpOptions,
    lookup?: LookupFunction,
  ) {
    this.redirectDownloads = options.redirectDownloads;
    this.client = new SourceClient({
      policy: new AddressPolicy({ allowHosts: options.allowHosts, allowPrivateNetworks: options.allowPrivateNetworks }),
      ...(lookup ? { lookup } : {}),
      connectTimeoutMs: options.connectTimeoutMs,
      idleTimeoutMs: options.idleTimeoutMs,
      maxRedirects: options.maxRedirects,
      headers: options.headers,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
      rejectUnauthorized: options.rejectUnauthorized,
    });
  }

  /** Every http:// or https:// URL: whether it may be fetched is judged (and explained) by `stat`. */
  ownsLocation(location: string): boolean {
    return /^https?:\/\//i.test(location);
  }

  /** Registration's check: HEAD (or a one-byte GET), size from the length, ETag and Last-Modified. */
  async stat(location: string): Promise<ObjectInfo> {
    this.checkOwned(location);
    try {
      return infoOf(await probeSource(this.client, location));
    } catch (error) {
      throw toVisorError(error, this.name, location, 'register');
    }
  }

  async get(location: string, options: GetOptions = {}): Promise<GetResult> {
    this.checkOwned(location);
    try {
      // The recorded size stands in only for a length the answer lacks (chunked), and is held to;
      // a length the source does tell is checked against the record by the core.
      const read = await readSource(this.client, location, options.range, undefined, options.signal, options.expectedSize);
      return { body: read.body, info: infoOf(read.object) };
    } catch (error) {
      throw toVisorError(error, this.name, location, 'read');
    }
  }

  /** The source URL itself (it needs no signing); `expiresIn` does not apply. */
  async redirectUrl(location: string, _options: RedirectOptions): Promise<string> {
    this.checkOwned(location);
    try {
      return parseSourceUrl(location).href;
    } catch (error) {
      throw toVisorError(error, this.name, location, 'read');
    }
  }

  private checkOwned(location: string): void {
    if (!this.ownsLocation(location)) throw new InvalidKeyError(this.name, shownLocation(location), 'not an http:// or https:// URL');
  }

  /** Never called by the core (capability `write` is false). */
  async put(key: string, _source: Readable): Promise<PutResult> {
    throw new ReadOnlyBackendError(this.name, key);
  }

  /** Never called by the core (capability `delete` is false): the source is not Visor's to delete. */
  async delete(location: string): Promise<void> {
    throw new ReadOnlyBackendError(this.name, location);
  }

  /** Healthy: sources are many and remote, so the store has nothing of its own to check. */
  async health(): Promise<BackendHealth> {
    return { ok: true, message: 'read-only http source store' };
  }

  async close(): Promise<void> {
    this.client.close();
  }
}
