import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVisor, silentLogger, type Visor } from '@visor/core';
import type { BackendPlugin } from '@visor/plugin-api';
import { httpBackendPlugin } from '../../src/index.js';

export interface MirrorVisor {
  visor: Visor;
  url: string;
  close(): Promise<void>;
}

/**
 * A real Visor on 127.0.0.1 (REST over loopback, SQLite, no access control),
 * with an `fs` store `default` and the given `http` stores. `backend` may
 * replace the plugin (a test wraps it to inject a resolver).
 */
export async function startMirrorVisor(stores: Record<string, Record<string, unknown>>, backend: BackendPlugin = httpBackendPlugin): Promise<MirrorVisor> {
  const dataDir = await mkdtemp(join(tmpdir(), 'visor-http-test-'));
  const visor = await createVisor(
    {
      dataDir,
      port: 0,
      host: '127.0.0.1',
      plugins: [],
      stores: {
        default: { backend: 'fs' },
        ...Object.fromEntries(Object.entries(stores).map(([name, options]) => [name, { backend, options }])),
      },
    },
    { logger: silentLogger },
  );
  const { url } = await visor.listen();
  return {
    visor,
    url,
    async close() {
      await visor.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
