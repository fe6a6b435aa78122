import { silentLogger, type Logger } from '@visor/plugin-api';
import { newTestPrefix, type EmulatedDialects } from '@visor/test-servers';
import type { S3Backend } from '@visor/backend-s3';
import { createCumulusStore } from '../../src/index.js';

/** Options of a `cumulus` store behind the emulated Cumulus front (nginx without ranges → Swift s3api). */
export function cumulusOptions(target: EmulatedDialects, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    host: '127.0.0.1',
    port: target.fronts.cumulusPort,
    bucket: target.bucket,
    accessKeyId: target.credentials.accessKeyId,
    secretAccessKey: target.credentials.secretAccessKey,
    prefix: newTestPrefix(),
    maxAttempts: 1,
    ...extra,
  };
}

/** A store through the package's own entry point, as the core would create it. */
export function createCumulus(options: Record<string, unknown>, name = 'images', logger: Logger = silentLogger): Promise<S3Backend> {
  return createCumulusStore(options, { name, dataDir: '/nonexistent', baseDir: '/nonexistent', optionsKey: `stores.${name}.options`, logger });
}
