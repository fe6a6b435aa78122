import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

function canConnect(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Resolves once something accepts TCP connections on `host:port`; rejects
 * after `timeoutMs`, or as soon as `failed()` returns a reason (the server
 * process died).
 */
export async function waitForPort(port: number, options: { host?: string; timeoutMs?: number; failed?: () => string | undefined } = {}): Promise<void> {
  const host = options.host ?? '127.0.0.1';
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (await canConnect(port, host)) return;
    const reason = options.failed?.();
    if (reason !== undefined) throw new Error(reason);
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${options.timeoutMs ?? 30_000} ms`);
    await sleep(50);
  }
}
