import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { datanodeUrl, type DatanodeRewrites } from './datanode-location.js';
import { WebHdfsProtocolError } from './errors.js';
import type { DirectoryListing, FileStatus } from './file-status.js';
import { NamenodePool } from './namenode-pool.js';
import { DatanodeUploader } from './upload.js';
import { discard, failureOf, HttpTransport, jsonOf, type HttpRequest, type HttpResponse } from './transport.js';

export interface WebHdfsClientOptions {
  /** Base URLs of one namenode or an HA pair (or an HttpFS gateway), e.g. `http://nn1:9870`; `/webhdfs/v1` is appended. */
  namenodes: readonly URL[];
  /** `user.name` for simple authentication (security off). */
  user?: string | undefined;
  /** A delegation token (URL-safe encoded), sent as `delegation` instead of `user.name`. */
  delegationToken?: string | undefined;
  /** Milliseconds allowed to connect, to get an answer's headers, and for any pause in a transfer. */
  timeoutMs: number;
  /** Rewrites of datanode addresses in redirects. */
  datanodeRewrites?: DatanodeRewrites;
  /** Ask for `200 {"Location": ...}` instead of 307 on step one (Hadoop 3's noredirect=true). Default false. */
  noRedirect?: boolean;
}

export interface CreateOptions {
  overwrite: boolean;
  /** Permission bits, sent in octal. */
  permission?: number | undefined;
  replication?: number | undefined;
  /** Bytes. */
  blockSize?: number | undefined;
  /** Sent as Content-Length when known; a body of another length then fails the upload (SourceLengthError). */
  size?: number | undefined;
  signal?: AbortSignal | undefined;
}

export interface OpenOptions {
  /** First byte (default 0). */
  offset?: number;
  /** Bytes to read (default: to the end). */
  length?: number;
  signal?: AbortSignal | undefined;
}

type Query = Record<string, string | number | boolean | undefined>;

/** `/a b/c` → `/a%20b/c`. */
function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/**
 * undici reports a body destroyed before its end as an `error` event, which
 * would end the process where nobody listens (a caller that read the info
 * and let the body go); a Node stream destroyed without a reason emits none.
 * Readers that pipe or iterate still see the error: they listen themselves.
 */
function quietOnDestroy(body: Readable): Readable {
  body.on('error', () => undefined);
  return body;
}

/**
 * A WebHDFS REST API client for the operations Visor needs, on undici.
 * CREATE and OPEN follow the namenode's redirect by hand (WebHDFS REST API,
 * "Create and Write to a File": the data goes only to the second request,
 * which undici could not replay on a followed redirect; "Open and Read a
 * File"), through `datanodeRewrites`. Namenode requests fail over between
 * the two namenodes of an HA pair. Failures reject with WebHdfsRemoteError,
 * WebHdfsConnectionError, WebHdfsProtocolError or NoActiveNamenodeError.
 */
export class WebHdfsClient {
  readonly pool: NamenodePool;
  private readonly transport: HttpTransport;
  private readonly rewrites: DatanodeRewrites;
  private readonly uploader = new DatanodeUploader();

  constructor(private readonly options: WebHdfsClientOptions) {
    this.pool = new NamenodePool(options.namenodes);
    this.transport = new HttpTransport(options.timeoutMs);
    this.rewrites = options.datanodeRewrites ?? new Map();
  }

  private url(namenode: URL, path: string, op: string, query: Query = {}): URL {
    const url = new URL(namenode.href);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/webhdfs/v1${encodePath(path)}`;
    url.search = '';
    url.searchParams.set('op', op);
    if (this.options.delegationToken !== undefined) url.searchParams.set('delegation', this.options.delegationToken);
    else if (this.options.user !== undefined) url.searchParams.set('user.name', this.options.user);
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url;
  }

  /** One namenode operation answered with JSON, with failover. */
  private async namenodeJson<T>(method: HttpRequest['method'], path: string, op: string, query: Query, idempotent: boolean): Promise<{ body: T; response: HttpResponse }> {
    return this.pool.run(async (namenode) => {
      const response = await this.transport.send(this.url(namenode, path, op, query), { method, idempotent }, 'namenode');
      if (response.statusCode !== 200) throw await failureOf(response, 'namenode');
      return { body: await jsonOf<T>(response, 'namenode'), response };
    }, idempotent);
  }

  /** GETFILESTATUS (WebHDFS REST API, "Status of a File/Directory"). */
  async getFileStatus(path: string): Promise<FileStatus> {
    const { body } = await this.namenodeJson<{ FileStatus?: FileStatus }>('GET', path, 'GETFILESTATUS', {}, true);
    if (body.FileStatus === undefined) throw new WebHdfsProtocolError('GETFILESTATUS answered without a FileStatus', 'namenode', 200);
    return body.FileStatus;
  }

  /** LISTSTATUS (WebHDFS REST API, "List a Directory"), with the namenode's Date header as its clock. */
  async listStatus(path: string): Promise<DirectoryListing> {
    const { body, response } = await this.namenodeJson<{ FileStatuses?: { FileStatus?: FileStatus[] } }>('GET', path, 'LISTSTATUS', {}, true);
    const entries = body.FileStatuses?.FileStatus;
    if (!Array.isArray(entries)) throw new WebHdfsProtocolError('LISTSTATUS answered without FileStatuses', 'namenode', 200);
    const date = response.headers.date;
    const serverTime = typeof date === 'string' ? Date.parse(date) : Number.NaN;
    return { entries, serverTime: Number.isNaN(serverTime) ? undefined : serverTime };
  }

  /** MKDIRS with parents (WebHDFS REST API, "Make a Directory"); true when the directory exists afterwards. */
  async mkdirs(path: string, permission?: number): Promise<boolean> {
    const { body } = await this.namenodeJson<{ boolean?: boolean }>('PUT', path, 'MKDIRS', { permission: permission?.toString(8) }, true);
    return body.boolean === true;
  }

  /** DELETE (WebHDFS REST API, "Delete a File/Directory"); false when there was nothing to delete. */
  async delete(path: string, recursive = false): Promise<boolean> {
    const { body } = await this.namenodeJson<{ boolean?: boolean }>('DELETE', path, 'DELETE', { recursive }, false);
    return body.boolean === true;
  }

  /**
   * RENAME onto `destination`, replacing a file there: `renameoptions=OVERWRITE`
   * makes the namenode use rename2 (NamenodeWebHdfsMethods; FileContext.rename
   * with Options.Rename.OVERWRITE), which swaps the files in one namespace
   * operation and answers an empty 200, or an exception. A server that
   * ignores the option (an old HttpFS) answers `{"boolean": false}` when the
   * destination exists: the destination is then deleted and the rename
   * repeated, which leaves a moment with no file there.
   */
  async renameOverwriting(source: string, destination: string): Promise<void> {
    const renamed = await this.pool.run(async (namenode) => {
      const url = this.url(namenode, source, 'RENAME', { destination, renameoptions: 'OVERWRITE' });
      const response = await this.transport.send(url, { method: 'PUT' }, 'namenode');
      if (response.statusCode !== 200) throw await failureOf(response, 'namenode');
      const text = await response.body.text();
      if (text.trim() === '') return true; // rename2's empty answer
      try {
        return (JSON.parse(text) as { boolean?: boolean }).boolean === true;
      } catch {
        throw new WebHdfsProtocolError(`RENAME answered 200 with a body that is neither empty nor JSON`, 'namenode', 200);
      }
    }, false);
    if (renamed) return;
    await this.delete(destination);
    if (!(await this.rename(source, destination))) {
      throw new WebHdfsProtocolError(`RENAME ${source} to ${destination} answered false`, 'namenode', 200);
    }
  }

  /** RENAME without options (WebHDFS REST API, "Rename a File/Directory"): false when the destination exists or the source does not. */
  async rename(source: string, destination: string): Promise<boolean> {
    const { body } = await this.namenodeJson<{ boolean?: boolean }>('PUT', source, 'RENAME', { destination }, false);
    return body.boolean === true;
  }

  /**
   * Step one of CREATE or OPEN: the datanode URL from the namenode's 307
   * Location, or from a noredirect `{"Location": ...}` body; or, from an
   * HttpFS gateway answering OPEN at once, the data itself.
   */
  private async namenodeStep(method: 'GET' | 'PUT', path: string, op: string, query: Query, signal: AbortSignal | undefined): Promise<URL | HttpResponse> {
    return this.pool.run(async (namenode) => {
      const url = this.url(namenode, path, op, { ...query, ...(this.options.noRedirect ? { noredirect: true } : {}) });
      const response = await this.transport.send(url, { method, signal, idempotent: true }, 'namenode');
      if (response.statusCode === 307 || response.statusCode === 302) {
        await response.body.dump();
        const location = response.headers.location;
        if (typeof location !== 'string') throw new WebHdfsProtocolError(`${op} redirected without a Location`, 'namenode', response.statusCode);
        return datanodeUrl(location, this.rewrites);
      }
      if (response.statusCode !== 200) throw await failureOf(response, 'namenode');
      const type = String(response.headers['content-type'] ?? '');
      if (method === 'GET' && !type.includes('application/json')) return response; // HttpFS: the data itself
      const body = await jsonOf<{ Location?: unknown }>(response, 'namenode');
      if (typeof body.Location !== 'string') throw new WebHdfsProtocolError(`${op} answered 200 without a Location`, 'namenode', 200);
      return datanodeUrl(body.Location, this.rewrites);
    }, true);
  }

  /**
   * CREATE in two steps: the namenode names a datanode, and only the second
   * request carries `body`, streamed with backpressure. Resolves once the
   * datanode answered `201 Created` (every byte written and the file closed).
   */
  async create(path: string, body: Readable, options: CreateOptions): Promise<void> {
    const step = await this.namenodeStep('PUT', path, 'CREATE', {
      overwrite: options.overwrite,
      permission: options.permission?.toString(8),
      replication: options.replication,
      blocksize: options.blockSize,
    }, options.signal);
    if (!(step instanceof URL)) {
      discard(step);
      throw new WebHdfsProtocolError('CREATE answered 200 without naming where to send the data', 'namenode', 200);
    }
    const headers = { 'content-type': 'application/octet-stream' };
    const response = await this.uploader.put(step, { body, headers, size: options.size, signal: options.signal, timeoutMs: this.options.timeoutMs });
    if (response.statusCode !== 201 && response.statusCode !== 200) throw await failureOf(response, 'datanode');
    response.body.resume();
    await finished(response.body);
  }

  /**
   * OPEN (WebHDFS REST API, "Open and Read a File") from `offset`, `length`
   * bytes (parameters "Offset" and "Length"): the datanode's body, a
   * Readable that pauses the transfer while unread.
   */
  async open(path: string, options: OpenOptions = {}): Promise<Readable> {
    const step = await this.namenodeStep('GET', path, 'OPEN', { offset: options.offset, length: options.length }, options.signal);
    if (!(step instanceof URL)) return quietOnDestroy(step.body);
    const response = await this.transport.send(step, { method: 'GET', signal: options.signal, idempotent: true }, 'datanode');
    if (response.statusCode !== 200) throw await failureOf(response, 'datanode');
    return quietOnDestroy(response.body);
  }

  close(): Promise<void> {
    this.uploader.close();
    return this.transport.close();
  }
}
