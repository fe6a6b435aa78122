import type { TrackingHost } from './host.js';
import { resolveOptions } from './options.js';
import { Recorder } from './recorder.js';
import { tapRoutes } from './routes.js';
import { ensureTable } from './schema.js';
import { tapImageHooks } from './taps.js';

export type { TrackingOptions } from './options.js';
export type { Action, EventRow } from './schema.js';
export type { HistoryEntry, HistoryPage } from './history.js';
export type { Stats, UserTotals } from './stats.js';

/** The Visor extension plugin: image life-cycle events, GET /images/:id/history and GET /stats. */
const trackingPlugin = {
  kind: 'extension' as const,
  name: 'tracking',
  apiVersion: '1.0',
  apply(host: TrackingHost, rawOptions: Record<string, unknown> = {}): void {
    const options = resolveOptions(rawOptions, host.optionsKey);
    const recorder = new Recorder(host.db, options.table, host.logger.child({ plugin: 'tracking' }), {
      flushMs: options.flushMs,
      maxQueued: options.maxQueuedEvents,
    });
    host.hooks.beforeStart.tapPromise('tracking', () => ensureTable(host.db, options.table));
    host.hooks.beforeClose.tapPromise('tracking', () => recorder.settle());
    tapImageHooks(host, recorder);
    tapRoutes(host, options, recorder);
  },
};

export default trackingPlugin;
