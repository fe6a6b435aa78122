import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** A request the server is still working on. */
export interface InFlightRequest {
  method: string;
  /** The path without its query (a presigned URL's signature stays out of logs). */
  path: string;
  /** Seconds since the request arrived. */
  seconds: number;
}

/**
 * Follows the requests `server` is serving, from arrival until the response
 * is finished or its connection closed, so a stop can say what it waits for.
 */
export function trackInFlight(server: Server): () => InFlightRequest[] {
  const open = new Map<IncomingMessage, number>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    open.set(req, Date.now());
    res.once('close', () => open.delete(req));
  });
  return () => {
    const now = Date.now();
    return [...open].map(([req, since]) => ({
      method: req.method ?? '?',
      path: (req.url ?? '').split('?')[0]!,
      seconds: Math.round((now - since) / 100) / 10,
    }));
  };
}
