import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type restify from 'restify';
import type { Logger } from '../util/logger.js';
import { requestIdOf } from './request-id.js';

/** The request a connection is serving, and the connection's byte counts when it began. */
interface Serving {
  req: IncomingMessage;
  res: ServerResponse;
  read: number;
  written: number;
}

/**
 * Cuts connections on which no byte moved either way for `idleTimeoutMs` (Node's
 * `server.timeout`): a stalled upload then fails and is rolled back instead of holding its
 * image in `uploading`. A cut in the middle of a request is logged once, at warn level, with
 * the request id, method, path (no query: a presigned URL's signature stays out of the log),
 * the bytes received and sent on the connection for that request (its head included) and the
 * idle seconds, so the operator can tell it from a client that left. A kept-alive connection
 * idle between requests is closed without a line.
 */
export function cutIdleConnections(server: Server, logger: Logger, idleTimeoutMs: number): void {
  server.timeout = idleTimeoutMs;
  const serving = new WeakMap<Socket, Serving>();
  // Bytes of a connection up to the end of its previous request, so each request counts its own.
  const before = new WeakMap<Socket, { read: number; written: number }>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    const start = before.get(socket) ?? { read: 0, written: 0 };
    serving.set(socket, { req, res, ...start });
    res.once('finish', () => {
      if (serving.get(socket)?.req === req) serving.delete(socket);
      before.set(socket, { read: socket.bytesRead, written: socket.bytesWritten });
    });
  });
  // With a listener here, Node leaves the cut to it (it destroys the socket itself otherwise).
  server.on('timeout', (socket: Socket) => {
    const current = serving.get(socket);
    if (current !== undefined && !current.res.writableFinished) {
      try {
        const { req } = current;
        logger.warn(`connection idle for ${idleTimeoutMs / 1000} s (limits.idleTimeoutSeconds) in the middle of a request: cut`, {
          request: requestIdOf(req as restify.Request),
          method: req.method ?? '?',
          path: (req.url ?? '').split('?')[0],
          bytes_received: socket.bytesRead - current.read,
          bytes_sent: socket.bytesWritten - current.written,
          idle_seconds: idleTimeoutMs / 1000,
        });
      } catch {
        // Logging must not keep the connection open.
      }
    }
    socket.destroy();
  });
}
