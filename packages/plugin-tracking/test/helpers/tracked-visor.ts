import { createLogger, createVisor, type Visor } from '@visor/core';
import trackingPlugin from '../../src/index.js';
import { makeTempDir, removeTempDir, request, type HttpResponse } from '@visor/test-support';
import { testPrincipals } from './principal.js';

export interface TrackedVisor {
  visor: Visor;
  url: string;
  logs: string[];
  /** Registers an image (JSON) and returns its id. */
  register(image: Record<string, unknown>, headers?: Record<string, string>): Promise<string>;
  /** Uploads a file to a registered image. */
  upload(id: string, data: Buffer, headers?: Record<string, string>): Promise<HttpResponse>;
  /** Polls the history until `count` events are there (after* hooks run after the response). */
  historyOf(id: string, count: number, headers?: Record<string, string>): Promise<any[]>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** A database URL (PostgreSQL); SQLite in the data directory by default. */
  database?: string;
  /** Adds the inline extension that reads x-test-user. */
  principals?: boolean;
  trackingOptions?: Record<string, unknown>;
}

/** Polls `check` until it returns something truthy. */
export async function waitFor<T>(check: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A real Visor with the tracking plugin over loopback, in a fresh data directory. */
export async function startTracked(options: StartOptions = {}): Promise<TrackedVisor> {
  const dataDir = await makeTempDir('visor-tracking-');
  const logs: string[] = [];
  const logger = createLogger('debug', { write: (chunk: string) => logs.push(chunk) });
  const tracking = options.trackingOptions ? { name: trackingPlugin, options: options.trackingOptions } : trackingPlugin;
  const plugins = options.principals ? [testPrincipals, tracking] : [tracking];
  const visor = await createVisor(
    { dataDir, port: 0, plugins, ...(options.database ? { database: options.database } : {}) },
    { logger },
  );
  const { url } = await visor.listen();
  const tracked: TrackedVisor = {
    visor,
    url,
    logs,
    async register(image, headers = {}) {
      const res = await request('POST', `${url}/images`, { headers, body: { image } });
      if (res.status !== 201) throw new Error(`register answered ${res.status}: ${res.text}`);
      return res.json().image.id as string;
    },
    upload: (id, data, headers = {}) =>
      request('PUT', `${url}/images/${id}`, { headers: { 'content-type': 'application/octet-stream', ...headers }, body: data }),
    historyOf: (id, count, headers = {}) =>
      waitFor(async () => {
        const res = await request('GET', `${url}/images/${id}/history?limit=1000`, { headers });
        if (res.status !== 200) throw new Error(`history answered ${res.status}: ${res.text}`);
        const history = res.json().history as any[];
        return history.length >= count ? history : undefined;
      }, `${count} events of image ${id}`),
    async close() {
      await visor.close();
      await removeTempDir(dataDir);
    },
  };
  return tracked;
}
