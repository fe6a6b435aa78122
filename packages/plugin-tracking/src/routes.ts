import type { TrackingHost } from './host.js';
import { readHistory } from './history.js';
import type { TrackingOptions } from './options.js';
import { parsePage } from './paging.js';
import type { Recorder } from './recorder.js';
import { computeStats } from './stats.js';

/** GET /images/:id/history and GET /stats; both write the queued events first, so they show this instance's latest. */
export function tapRoutes(host: TrackingHost, options: TrackingOptions, recorder: Recorder): void {
  host.hooks.registerRoutes.tap('tracking', (routes) => {
    routes.add('GET', '/images/:id/history', async ({ params, query, context }) => {
      const page = parsePage(query);
      await recorder.flush();
      const body = await readHistory(host.db, options.table, params.id ?? '', context.principal, page);
      return { document: { root: 'history', body: { ...body } } };
    });
    routes.add('GET', '/stats', async ({ context }) => {
      await recorder.flush();
      const stats = await computeStats(host.db, options, context.principal);
      return { document: { root: 'stats', body: { stats } } };
    });
  });
}
