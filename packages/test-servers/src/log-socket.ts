import net from 'node:net';

/**
 * A syslog sink on a Unix stream socket. Swift logs through Python's
 * SysLogHandler, which writes NUL-terminated messages to a Unix socket when
 * `log_address` names one (SOCK_DGRAM first, then SOCK_STREAM, which is what
 * Node can offer). Without a socket there, Swift falls back to UDP syslog on
 * an unbound socket, which binds 0.0.0.0: this sink is what keeps every
 * Swift socket on 127.0.0.1.
 */
export class LogSocket {
  private readonly lines: string[] = [];
  private readonly connections = new Set<net.Socket>();

  private constructor(
    readonly path: string,
    private readonly server: net.Server,
    private readonly keep: number,
  ) {}

  /** Listens on `path` (which must not exist) and keeps the last `keep` messages. */
  static async listen(path: string, keep = 2000): Promise<LogSocket> {
    const server = net.createServer();
    const sink = new LogSocket(path, server, keep);
    server.on('connection', (socket) => sink.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
    return sink;
  }

  private accept(socket: net.Socket): void {
    this.connections.add(socket);
    let pending = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      const messages = (pending + chunk).split('\0');
      pending = messages.pop() ?? '';
      for (const message of messages) this.record(message);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => this.connections.delete(socket));
  }

  private record(message: string): void {
    // `<priority>` prefix, as syslog writes it.
    this.lines.push(message.replace(/^<\d+>/, '').trimEnd());
    if (this.lines.length > this.keep) this.lines.splice(0, this.lines.length - this.keep);
  }

  /** The messages received so far (the last `keep`), oldest first. */
  messages(): string[] {
    return [...this.lines];
  }

  close(): Promise<void> {
    for (const socket of this.connections) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
