import { ForbiddenError } from '@visor/plugin-api';
import type { VisorMetrics } from '../../metrics/visor-metrics.js';
import type { Route } from './route.js';

/**
 * `GET /metrics` on the REST API: the Prometheus text exposition. With an
 * access-control plugin the caller must be an admin (a signed request);
 * without one, every client may read it, as every other route.
 */
export function metricsRoute(metrics: VisorMetrics): Route {
  return {
    method: 'GET',
    path: '/metrics',
    rawBody: true,
    async handle(ex) {
      const principal = ex.context.principal;
      if (principal !== null && principal.role !== 'admin') throw new ForbiddenError('only admins may read metrics');
      const { contentType, text } = await metrics.exposition();
      const body = Buffer.from(text);
      ex.res.writeHead(200, { 'content-type': contentType, 'content-length': String(body.length), 'cache-control': 'no-store' });
      ex.res.end(ex.isHead ? undefined : body);
    },
  };
}
