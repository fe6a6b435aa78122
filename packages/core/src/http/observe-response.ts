import type { ServerResponse } from 'node:http';

/** Told of every answered request: method, route template, status (0: none was sent) and seconds taken. */
export type RequestObserver = (method: string, route: string, status: number, seconds: number) => void;

/** Reports the request to `observe` once its response is finished or its connection closed. */
export function observeResponse(method: string, route: string, res: ServerResponse, observe: RequestObserver | undefined): void {
  if (observe === undefined) return;
  const started = performance.now();
  res.once('close', () => {
    try {
      observe(method, route, res.headersSent ? res.statusCode : 0, (performance.now() - started) / 1000);
    } catch {
      // Metrics must never break a request.
    }
  });
}
