import type { Readable } from 'node:stream';
import { presign, signedPath } from './signing/index.js';
import { fromMetaHeaders, toMetaHeaders } from './meta-headers.js';
import { MembersApi } from './members-api.js';
import type { HistoryEvent, HistoryOptions, HistoryPage, Stats } from './tracking-types.js';
import { Transport, type FetchFunction } from './transport.js';
import type { PresignedUrl } from './user-types.js';
import { UsersApi, jsonBody } from './users-api.js';
import type { DigestTrailer, UploadBody } from './upload-body.js';
import { checkClientOptions } from './client-options.js';
import type {
  BriefImage,
  Image,
  ListFilters,
  ListOptions,
  ListPage,
  PluginsReport,
  RegisterFields,
  ServiceStatus,
  UpdateFields,
} from './types.js';

export interface VisorClientOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:4568`. */
  url: string;
  /** With `secretKey`: sign every request (`Authorization: VISOR …`, `x-visor-date`). */
  accessKey?: string;
  secretKey?: string;
  /**
   * Send every request through this fetch function (the global `fetch`, or one of the same
   * shape) instead of Node's `http`/`https` modules, the default. Fetch cannot send a digest
   * `trailer`, and reads bodies through web streams (slower for large transfers).
   */
  fetch?: FetchFunction;
  /** Clock used for `x-visor-date` and presigned URLs; `() => new Date()` by default. */
  now?: () => Date;
}

/** Integrity declarations sent with an upload; the server checks each one. */
export interface UploadOptions {
  /** Bytes the body holds (`x-image-meta-size`). */
  size?: number;
  /** MD5 of the body, 32 hex digits (`x-image-meta-checksum`). */
  checksum?: string;
  /** SHA-256 of the body, 64 hex digits (`x-image-meta-sha256`). */
  sha256?: string;
  /**
   * Digests computed while the body is sent, sent after it as HTTP trailers and checked by the
   * server before it stores anything (see DigestTrailer and `hashWhileSending`). Needs a
   * streamed body and the default transport (not the `fetch` option).
   */
  trailer?: DigestTrailer;
}

export interface DownloadOptions {
  /** A `Range` header value, e.g. `bytes=0-1023`. */
  range?: string;
  /** An `If-None-Match` header value; a match answers 304 with an empty stream. */
  ifNoneMatch?: string;
}

export interface Download {
  /** 200, 206 (range) or 304 (not modified). */
  status: number;
  /** The answer's headers (made on first access: the `Headers` class loads undici). */
  headers: Headers;
  /** The image's metadata from its x-image-meta-* headers. */
  meta: Record<string, string | number>;
  /**
   * The file's bytes; read it to the end or destroy it. With the default transport this is
   * Node's `IncomingMessage` itself. A connection lost before the end destroys it with a
   * VisorClientError `NetworkError` saying what happened (see NetworkFailureReason).
   */
  stream: Readable;
}

function uploadHeaders(options: UploadOptions): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
  if (options.size !== undefined) headers['x-image-meta-size'] = String(options.size);
  if (options.checksum !== undefined) headers['x-image-meta-checksum'] = options.checksum;
  if (options.sha256 !== undefined) headers['x-image-meta-sha256'] = options.sha256;
  return headers;
}

function imagePath(id: string): string {
  return `images/${encodeURIComponent(id)}`;
}

/** A typed client for the Visor REST API (docs/rest-api.md). */
export class VisorClient {
  private readonly transport: Transport;
  /** User management (`/users`, `auth` plugin); `users.me()` checks the client's keys. */
  readonly users: UsersApi;
  /** Sharing of images (`/images/:id/members`, `auth` plugin). */
  readonly members: MembersApi;

  /** Throws ClientOptionsError (a TypeError) naming a missing or wrong option. */
  constructor(options: VisorClientOptions) {
    checkClientOptions(options);
    this.transport = new Transport(options);
    this.users = new UsersApi(this.transport);
    this.members = new MembersApi(this.transport);
  }

  /** The server's base URL as configured, with a trailing slash. */
  get url(): string {
    return this.transport.base.href;
  }

  /** The access key requests are signed with, if any. */
  get accessKey(): string | undefined {
    return this.transport.keys?.accessKey;
  }

  /** `GET /status`: health, version, database, stores and image counts. */
  async status(): Promise<ServiceStatus> {
    return (await this.transport.json<{ status: ServiceStatus }>('GET', 'status')).status;
  }

  /** One page of `GET /images` (brief fields) or, with `detail: true`, `GET /images/detail`. */
  list(filters?: ListFilters, options?: ListOptions & { detail?: false }): Promise<ListPage<BriefImage>>;
  list(filters: ListFilters | undefined, options: ListOptions & { detail: true }): Promise<ListPage<Image>>;
  list(filters?: ListFilters, options?: ListOptions): Promise<ListPage<BriefImage | Image>>;
  async list(filters: ListFilters = {}, options: ListOptions = {}): Promise<ListPage<BriefImage | Image>> {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(filters)) query.set(name, String(value));
    for (const name of ['sort', 'dir', 'limit', 'marker'] as const) {
      const value = options[name];
      if (value !== undefined) query.set(name, String(value));
    }
    const search = query.toString();
    const path = `${options.detail ? 'images/detail' : 'images'}${search === '' ? '' : `?${search}`}`;
    return this.transport.json<ListPage<BriefImage | Image>>('GET', path);
  }

  /** Every matching image: lists page after page, following `next` until it is absent. */
  listAll(filters?: ListFilters, options?: Omit<ListOptions, 'marker'> & { detail?: false }): Promise<BriefImage[]>;
  listAll(filters: ListFilters | undefined, options: Omit<ListOptions, 'marker'> & { detail: true }): Promise<Image[]>;
  async listAll(filters: ListFilters = {}, options: Omit<ListOptions, 'marker'> = {}): Promise<Array<BriefImage | Image>> {
    let page = await this.list(filters, options);
    const images = [...page.images];
    while (page.next !== undefined) {
      page = await this.transport.json<ListPage<BriefImage | Image>>('GET', page.next);
      images.push(...page.images);
    }
    return images;
  }

  /** `GET /images/:id/meta`: the image's every field. */
  async get(id: string): Promise<Image> {
    return (await this.transport.json<{ image: Image }>('GET', `${imagePath(id)}/meta`)).image;
  }

  /**
   * `HEAD /images/:id`: the image's metadata from its x-image-meta-* headers (decoded strings;
   * `size` and `access_count` as numbers). Counts as an access on the server.
   */
  async head(id: string): Promise<Record<string, string | number>> {
    const answer = await this.transport.send('HEAD', imagePath(id));
    return fromMetaHeaders(answer.headerEntries());
  }

  /** `POST /images` with a JSON body: registers an image without a file (status `locked`). */
  async register(fields: RegisterFields): Promise<Image> {
    return this.sendImage('POST', 'images', fields);
  }

  /**
   * `PUT /images/:id` with an octet-stream body: uploads the file of a `locked` image. Streams
   * are sent chunked as they are read, with backpressure, never buffered; the client reads the
   * body to its end, or destroys it when the request fails.
   */
  async upload(id: string, body: UploadBody, options: UploadOptions = {}): Promise<Image> {
    return this.sendFile('PUT', imagePath(id), {}, body, options);
  }

  /** `POST /images` with an octet-stream body: registers from x-image-meta-* headers and uploads in one request. */
  async registerWithFile(fields: RegisterFields, body: UploadBody, options: UploadOptions = {}): Promise<Image> {
    return this.sendFile('POST', 'images', toMetaHeaders(fields), body, options);
  }

  /** `GET /images/:id`: downloads the file (whole, or one byte range) as a stream. */
  async download(id: string, options: DownloadOptions = {}): Promise<Download> {
    const headers: Record<string, string> = {};
    if (options.range !== undefined) headers.range = options.range;
    if (options.ifNoneMatch !== undefined) headers['if-none-match'] = options.ifNoneMatch;
    const answer = await this.transport.send('GET', imagePath(id), { headers });
    return {
      status: answer.status,
      get headers() {
        return answer.headers;
      },
      meta: fromMetaHeaders(answer.headerEntries()),
      stream: answer.body,
    };
  }

  /** `PUT /images/:id` with a JSON body: changes the named fields; `null` clears or removes. */
  async update(id: string, fields: UpdateFields): Promise<Image> {
    return this.sendImage('PUT', imagePath(id), fields);
  }

  /** `DELETE /images/:id`: deletes the file and the record; returns the image as it was. */
  async delete(id: string): Promise<Image> {
    return (await this.transport.json<{ image: Image }>('DELETE', imagePath(id))).image;
  }

  /**
   * A presigned download URL of the image, valid for `ttlSeconds` from now, computed locally
   * (`?access_key=…&expires=…&signature=…`). Needs the client's keys. `method` is `GET` by default.
   */
  presignedUrl(id: string, ttlSeconds: number, method: 'GET' | 'HEAD' = 'GET'): string {
    const keys = this.transport.keys;
    if (keys === undefined) throw new TypeError('presignedUrl needs the client to have an accessKey and a secretKey');
    if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0) throw new RangeError(`ttlSeconds must be a positive whole number; got ${ttlSeconds}`);
    const url = this.transport.resolve(imagePath(id));
    const expires = Math.floor(this.transport.now().getTime() / 1000) + ttlSeconds;
    url.search = presign(keys.accessKey, keys.secretKey, method, signedPath(url.pathname, this.transport.base.pathname), expires);
    return url.href;
  }

  /**
   * `POST /images/:id/url?ttl=`: a presigned GET URL made by the server (`auth` plugin), signed
   * with the caller's key; `ttlSeconds` is 1 to 604800, 3600 when not given. Unlike
   * `presignedUrl()` it checks that the caller may download the image, and uses the server's
   * public URL.
   */
  async requestPresignedUrl(id: string, ttlSeconds?: number): Promise<PresignedUrl> {
    const query = ttlSeconds === undefined ? '' : `?ttl=${encodeURIComponent(String(ttlSeconds))}`;
    return (await this.transport.json<{ presigned_url: PresignedUrl }>('POST', `${imagePath(id)}/url${query}`)).presigned_url;
  }

  /** One page of `GET /images/:id/history` (`tracking` plugin): the image's events, oldest first. */
  async history(id: string, options: HistoryOptions = {}): Promise<HistoryPage> {
    const query = new URLSearchParams();
    if (options.limit !== undefined) query.set('limit', String(options.limit));
    if (options.marker !== undefined) query.set('marker', options.marker);
    const search = query.toString();
    return this.transport.json<HistoryPage>('GET', `${imagePath(id)}/history${search === '' ? '' : `?${search}`}`);
  }

  /** Every event of an image, following `next` page after page (`limit` events per request). */
  async historyAll(id: string, options: Omit<HistoryOptions, 'marker'> = {}): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    let marker: string | undefined;
    do {
      const page = await this.history(id, { ...options, ...(marker === undefined ? {} : { marker }) });
      events.push(...page.history);
      marker = page.next ?? undefined;
    } while (marker !== undefined);
    return events;
  }

  /** `GET /stats` (`tracking` plugin): counts, stored bytes, daily transfers, top downloads, per-user figures. */
  async stats(): Promise<Stats> {
    return (await this.transport.json<{ stats: Stats }>('GET', 'stats')).stats;
  }

  /** `GET /plugins` (admins): configured stores with their health, encoders and extension plugins. */
  async plugins(): Promise<PluginsReport> {
    return (await this.transport.json<{ plugins: PluginsReport }>('GET', 'plugins')).plugins;
  }

  private async sendFile(method: 'POST' | 'PUT', path: string, meta: Record<string, string>, body: UploadBody, options: UploadOptions): Promise<Image> {
    const doc = await this.transport.json<{ image: Image }>(method, path, {
      headers: { ...meta, ...uploadHeaders(options) },
      body,
      ...(options.trailer === undefined ? {} : { trailer: options.trailer }),
    });
    return doc.image;
  }

  private async sendImage(method: 'POST' | 'PUT', path: string, fields: RegisterFields | UpdateFields): Promise<Image> {
    const doc = await this.transport.json<{ image: Image }>(method, path, jsonBody({ image: fields }));
    return doc.image;
  }
}
