import { ConfigError, type BackendContext, type BackendPlugin } from '@visor/plugin-api';
import { StorageUnavailableError, storageFailure } from './errors.js';
import { HdfsBackend } from './hdfs-backend.js';
import { resolveHdfsOptions } from './options.js';

/**
 * Validates the options and creates the store directory. A directory HDFS
 * refuses (permissions, a file in the way) is a ConfigError naming
 * `directory`; an unreachable or unavailable cluster only logs a warning, so
 * Visor starts and reports the store unhealthy until HDFS is back (the first
 * upload then creates the directory).
 */
async function create(options: Record<string, unknown> | undefined, context: BackendContext): Promise<HdfsBackend> {
  const backend = new HdfsBackend(context.name, resolveHdfsOptions(options, context.optionsKey));
  try {
    await backend.prepare();
  } catch (raw) {
    const error = storageFailure(raw, context.name, undefined);
    if (error instanceof StorageUnavailableError) {
      context.logger.warn('hdfs store not reachable at start; it reports unhealthy until it is', { store: context.name, error: error.message });
      return backend;
    }
    await backend.close();
    const message = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`${context.optionsKey}.directory`, `cannot create ${backend.layout.directory}: ${message}`, { cause: raw });
  }
  context.logger.debug('hdfs store ready', { store: context.name, directory: backend.layout.directory });
  return backend;
}

/** The `hdfs` backend: images as files in an HDFS directory, through WebHDFS or HttpFS. */
export const hdfsBackendPlugin: BackendPlugin = { kind: 'backend', type: 'hdfs', apiVersion: '1.0', create };
