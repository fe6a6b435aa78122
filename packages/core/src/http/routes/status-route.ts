import type { Backend } from '@visor/plugin-api';
import type { MetadataStore } from '../../metadata/metadata-store.js';
import { VERSION } from '../../version.js';
import type { Route } from './route.js';

/** One store's entry of `GET /status` and `GET /plugins`: its configuration and its backend's `health()`. */
export async function backendHealth(backend: Backend, isDefault: boolean) {
  let health: { ok: boolean; message?: string };
  try {
    health = await backend.health();
  } catch (error) {
    health = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  return { name: backend.name, type: backend.type, default: isDefault, read_only: !backend.capabilities.write, ...health };
}

/** `GET /status`: health, version, database and backends. 503 when the database cannot be reached. */
export function statusRoute(options: {
  metadata: MetadataStore;
  backends: ReadonlyMap<string, Backend>;
  defaultStore: string;
  databaseClient: string;
  startedAt: number;
}): Route {
  return {
    method: 'GET',
    path: '/status',
    async handle(ex) {
      let database: { client: string; ok: boolean; message?: string } = { client: options.databaseClient, ok: true };
      let images: Record<string, number> = {};
      try {
        await options.metadata.ping();
        images = await options.metadata.countByStatus();
      } catch (error) {
        database = { client: options.databaseClient, ok: false, message: error instanceof Error ? error.message : String(error) };
      }
      const backends = await Promise.all([...options.backends.values()].map((b) => backendHealth(b, b.name === options.defaultStore)));
      const ok = database.ok && backends.every((b) => b.ok);
      ex.sendDocument(database.ok ? 200 : 503, {
        root: 'status',
        body: {
          status: {
            status: ok ? 'ok' : 'degraded',
            version: VERSION,
            uptime_seconds: Math.round((Date.now() - options.startedAt) / 1000),
            database,
            backends,
            images,
          },
        },
      });
    },
  };
}
