import { VisorError, type VisorHooks } from '@visor/plugin-api';
import type { VisorMetrics } from './visor-metrics.js';

const NAME = 'visor:metrics';

/** The cause label of a failed upload: the error's code (BadDigest, ClientClosedRequest, …), else its name. */
function causeOf(error: unknown): string {
  if (error instanceof VisorError) return error.code;
  return error instanceof Error ? error.name : 'unknown';
}

/** Counts the bytes of every upload and download, and failed uploads by cause, from the core's after-hooks. */
export function tapTransferHooks(hooks: VisorHooks, metrics: VisorMetrics): void {
  hooks.afterUpload.tap(NAME, (image, stats) => metrics.countBytes('upload', image.store, stats.bytes));
  hooks.afterUploadFailed.tap(NAME, (image, error, stats) => {
    metrics.countBytes('upload', image.store, stats.bytes);
    metrics.uploadFailed(image.store, causeOf(error));
  });
  hooks.afterDownload.tap(NAME, (image, stats) => metrics.countBytes('download', image.store, stats.bytes));
}
