import assert from 'node:assert/strict';
import { silentLogger } from '@visor/plugin-api';
import fsBackendPlugin, { FsBackend } from '../../src/index.js';

export interface TestContext {
  dataDir: string;
  name?: string;
}

/** Builds a store through the plugin's public entry point, as the core does. */
export async function createFsBackend(options: unknown, context: TestContext): Promise<FsBackend> {
  const backend = await fsBackendPlugin.create(options as Record<string, unknown>, {
    name: context.name ?? 'default',
    dataDir: context.dataDir,
    baseDir: context.dataDir,
    optionsKey: `stores.${context.name ?? 'default'}.options`,
    logger: silentLogger,
  });
  assert.ok(backend instanceof FsBackend);
  return backend;
}
