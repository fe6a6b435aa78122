import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import {
  BackendError,
  InvalidKeyError,
  InvalidRangeError,
  ObjectNotFoundError,
  READ_ONLY_SOURCE,
  ReadOnlyBackendError,
  WRITABLE_STORE,
  type Backend,
  type BackendPlugin,
  type GetOptions,
  type PutOptions,
} from '../../src/index.js';

/** What the test can see of a store's objects and of what the core told it. */
export interface ObjectStoreState {
  objects: Map<string, Buffer>;
  /** The options of every put, in order. */
  puts: PutOptions[];
  /** When set, get and stat report this size instead of the object's (a store whose object changed). */
  reportedSize?: number;
  /** When set, get fails with a BackendError of this code (one the plugin declares). */
  failGetWith?: string;
}

export interface ObjectStoreOptions {
  /** Presigned-style URLs on `server`, and `redirectDownloads`. */
  redirects?: { server: ObjectServer; redirectDownloads: boolean };
  /** Declares sizeRequired (no multipart: Cumulus). */
  sizeRequired?: boolean;
  /** A read-only source: images are registered by location (`ro://<store>/<key>`), never written. */
  readOnly?: boolean;
  /** Error codes the plugin declares. */
  errorCodes?: Record<string, number>;
}

/**
 * A web server standing in for an object store's public endpoint: serves
 * `/<store>/<key>?expires=<unix seconds>` until it expires (403 after), the
 * way a presigned URL works. On 127.0.0.1.
 */
export class ObjectServer {
  private server: http.Server | undefined;
  url = '';
  readonly stores = new Map<string, ObjectStoreState>();
  readonly requests: string[] = [];

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      this.requests.push(req.url ?? '');
      const url = new URL(req.url ?? '/', 'http://x');
      const [, store, key] = url.pathname.split('/');
      const data = this.stores.get(store ?? '')?.objects.get(key ?? '');
      // No chaining on writeHead: restify, loaded in the same process, patches it to return nothing.
      const answer = (status: number, body: Buffer | string) => {
        res.writeHead(status, { 'content-length': Buffer.byteLength(body) });
        res.end(body);
      };
      if (Number(url.searchParams.get('expires')) * 1000 < Date.now()) return answer(403, 'expired');
      if (!data) return answer(404, 'no such object');
      answer(200, data);
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

/**
 * A backend plugin over memory that behaves as a remote object store:
 * no positional reads (downloads stream from `get`), optionally presigned
 * redirects, a size required up front, or read-only with registered locations.
 */
export function objectStorePlugin(state: ObjectStoreState, options: ObjectStoreOptions = {}): BackendPlugin {
  return {
    kind: 'backend',
    type: options.readOnly ? 'memory-source' : 'memory-objects',
    apiVersion: '1.0',
    ...(options.errorCodes ? { errorCodes: options.errorCodes } : {}),
    create(_raw, context): Backend {
      const name = context.name;
      const scheme = options.readOnly ? 'ro' : 'obj';
      const prefix = `${scheme}://${name}/`;
      options.redirects?.server.stores.set(name, state);
      const keyOf = (location: string) => {
        if (!location.startsWith(prefix)) throw new InvalidKeyError(name, location, 'not a location of this store');
        return location.slice(prefix.length);
      };
      const find = (location: string) => {
        const key = keyOf(location);
        const data = state.objects.get(key);
        if (!data) throw new ObjectNotFoundError(name, key);
        return { key, data, size: state.reportedSize ?? data.length };
      };
      return {
        name,
        type: options.readOnly ? 'memory-source' : 'memory-objects',
        capabilities: {
          ...(options.readOnly ? READ_ONLY_SOURCE : WRITABLE_STORE),
          redirects: options.redirects !== undefined,
          sizeRequired: options.sizeRequired ?? false,
        },
        redirectDownloads: options.redirects?.redirectDownloads ?? false,
        async put(key: string, source: Readable, putOptions: PutOptions = {}) {
          if (options.readOnly) throw new ReadOnlyBackendError(name, key);
          state.puts.push({ ...putOptions, signal: undefined });
          const chunks: Buffer[] = [];
          for await (const chunk of source) chunks.push(chunk as Buffer);
          const data = Buffer.concat(chunks);
          state.objects.set(key, data);
          return { location: prefix + key, size: data.length, etag: `"e${data.length}"`, version: 'v1' };
        },
        async get(location: string, getOptions: GetOptions = {}) {
          if (state.failGetWith) throw new BackendError(name, location, 'slow down', { code: state.failGetWith as 'BackendError' });
          const { key, data, size } = find(location);
          const { range } = getOptions;
          if (range && !(range.start <= range.end && range.end < data.length)) throw new InvalidRangeError(name, key, 'outside the object');
          return { body: Readable.from([range ? data.subarray(range.start, range.end + 1) : data]), info: { size, etag: `"e${data.length}"` } };
        },
        async stat(location: string) {
          return { size: find(location).size };
        },
        async delete(location: string) {
          if (options.readOnly) throw new ReadOnlyBackendError(name, location);
          if (!state.objects.delete(keyOf(location))) throw new ObjectNotFoundError(name, keyOf(location));
        },
        async redirectUrl(location: string, redirect: { expiresIn: number }) {
          const { key } = find(location);
          return `${options.redirects!.server.url}/${name}/${key}?expires=${Math.floor(Date.now() / 1000) + redirect.expiresIn}`;
        },
        ownsLocation: (location: string) => location.startsWith(prefix),
        async health() {
          return { ok: true };
        },
      };
    },
  };
}

export const newStoreState = (): ObjectStoreState => ({ objects: new Map(), puts: [] });
