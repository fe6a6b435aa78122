import { createServer, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface StallingProxy {
  url: string;
  close(): Promise<void>;
}

/**
 * A reverse proxy on a loopback port in front of `target` that passes requests and headers
 * through unchanged (so signatures still match) and forwards at most `limit` bytes of each
 * response body for `GET /images/:id`, then stops sending and holds the connection open: a
 * download that stalls after `limit` bytes, for as long as the test needs, on any machine.
 */
export async function startStallingProxy(target: string, limit: number): Promise<StallingProxy> {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  const upstreams = new Set<ReturnType<typeof request>>();
  const server: Server = createServer((req, res) => {
    const stall = req.method === 'GET' && /^\/images\/[^/?]+(\?|$)/.test(req.url ?? '');
    const forward = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        if (!stall) {
          answer.pipe(res);
          return;
        }
        let sent = 0;
        answer.on('data', (chunk: Buffer) => {
          if (sent >= limit) return;
          const part = chunk.subarray(0, limit - sent);
          sent += part.length;
          res.write(part);
          if (sent >= limit) answer.pause();
        });
      },
    );
    upstreams.add(forward);
    forward.once('close', () => upstreams.delete(forward));
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      // The held upstream requests too: the server would otherwise wait for them when it stops.
      for (const forward of upstreams) forward.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
