import { ConfigError, type BackendContext, type BackendPlugin } from '@visor/plugin-api';
import { FsBackend } from './fs-backend.js';
import { resolveFsOptions } from './options.js';

async function create(options: Record<string, unknown> | undefined, context: BackendContext): Promise<FsBackend> {
  const backend = new FsBackend(context.name, resolveFsOptions(options, context));
  try {
    await backend.prepare();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConfigError(`stores.${context.name}.options.directory`, `cannot create ${backend.layout.directory} (${code})`, { cause: error });
  }
  context.logger.debug('fs store ready', { store: context.name, directory: backend.layout.directory });
  return backend;
}

/** The `fs` backend: objects as files in a local directory. */
export const fsBackendPlugin: BackendPlugin = { kind: 'backend', type: 'fs', apiVersion: '1.0', create };
