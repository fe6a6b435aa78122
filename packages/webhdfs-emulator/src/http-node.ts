import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The loopback address every emulated node binds to: test traffic never leaves the host. */
export const LOOPBACK = '127.0.0.1';

/**
 * An HTTP server on 127.0.0.1 that can be stopped abruptly (every connection
 * cut, as a crashed JVM's would be) and started again on the same port.
 */
export abstract class HttpNode {
  private server: Server | undefined;
  private boundPort: number;

  constructor(port = 0) {
    this.boundPort = port;
  }

  protected abstract handle(req: IncomingMessage, res: ServerResponse): void;

  /** The port it listens on (kept across stop/start). */
  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    return `http://${LOOPBACK}:${this.boundPort}`;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  /** Listens (again) on its port; the first start takes a free one unless a port was given. */
  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.boundPort, LOOPBACK, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.boundPort = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops at once: the port refuses connections and open ones are cut mid-transfer. */
  stop(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    return closed;
  }
}
