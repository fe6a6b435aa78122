import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@visor/plugin-api';
import type { VisorMetrics } from './visor-metrics.js';

/** A listener of its own serving only `GET /metrics` (and HEAD), without authentication. */
export interface MetricsListener {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the metrics on `host:port` (`metrics.port` in the configuration),
 * for a Prometheus that cannot sign requests: keep it on a private interface.
 * Any other path gets `404`, any other method `405`; both in plain text.
 */
export async function startMetricsListener(metrics: VisorMetrics, host: string, port: number, logger: Logger): Promise<MetricsListener> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '');
    const answer = (status: number, text: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
      res.end(req.method === 'HEAD' ? undefined : text);
    };
    if (path !== '/metrics') return answer(404, 'only /metrics is served here\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return answer(405, `${req.method} is not allowed\n`, { allow: 'GET, HEAD' });
    metrics.exposition().then(
      ({ contentType, text }) => answer(200, text, { 'content-type': contentType, 'cache-control': 'no-store' }),
      (error: unknown) => {
        logger.error('could not collect metrics', { err: error });
        answer(500, 'could not collect metrics; see the server log\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}/metrics`;
  logger.info('metrics listener started', { url });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
