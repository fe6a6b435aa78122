import net from 'node:net';

/** A TCP server that accepts connections and then goes silent. */
export interface StallingServer {
  port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Closes the listener and every connection it holds. */
  close(): Promise<void>;
}

/**
 * A server on 127.0.0.1 that accepts every connection, writes `prefix` (if
 * any: e.g. a response head and the first bytes of a body) and then sends
 * nothing more, holding the connection open: an upstream that hangs. Put
 * behind nginx (`proxy_pass`) it makes a real web server that stalls before
 * its headers or in the middle of a body.
 */
export function startStallingServer(prefix?: string | Buffer): Promise<StallingServer> {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.resume(); // read and drop the request
    if (prefix !== undefined) socket.write(prefix);
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      resolve({
        port: (server.address() as net.AddressInfo).port,
        get connections() {
          return connections;
        },
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
