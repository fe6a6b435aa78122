import { silentLogger, type Logger } from '@visor/plugin-api';
import { newTestPrefix, type EmulatedDialects } from '@visor/test-servers';
import type { S3Backend } from '@visor/backend-s3';
import { createWalrusStore } from '../../src/index.js';

/** Options of a `walrus` store behind the emulated Walrus front (nginx `/services/Walrus` → Swift s3api). */
export function walrusOptions(target: EmulatedDialects, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    host: '127.0.0.1',
    port: target.fronts.walrusPort,
    bucket: target.bucket,
    accessKeyId: target.credentials.accessKeyId,
    secretAccessKey: target.credentials.secretAccessKey,
    prefix: newTestPrefix(),
    partSizeMiB: 5,
    queueSize: 2,
    maxAttempts: 1,
    ...extra,
  };
}

/** A store through the package's own entry point, as the core would create it. */
export function createWalrus(options: Record<string, unknown>, name = 'images', logger: Logger = silentLogger): Promise<S3Backend> {
  return createWalrusStore(options, { name, dataDir: '/nonexistent', baseDir: '/nonexistent', optionsKey: `stores.${name}.options`, logger });
}
