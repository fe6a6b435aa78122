import type { VisorHooks } from '@visor/plugin-api';
import type { MetadataStore } from '../metadata/metadata-store.js';

/**
 * Keeps `accessed_at` and `access_count` current: a completed download or a
 * client's HEAD counts as an access; internal lookups do not.
 */
export function accessStatsPlugin(hooks: VisorHooks, metadata: MetadataStore): void {
  const name = 'visor-access-stats';
  hooks.afterDownload.tapPromise(name, async (image, stats) => {
    if (stats.outcome === 'completed') await metadata.recordAccess(image.id, new Date().toISOString());
  });
  hooks.afterReadMetadata.tapPromise(name, async (image, context) => {
    if (context.request?.method === 'HEAD') await metadata.recordAccess(image.id, new Date().toISOString());
  });
}
