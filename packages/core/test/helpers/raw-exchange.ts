import net from 'node:net';

export interface RawOptions {
  /** After writing: half-close (`end`), destroy, or keep reading until the server closes. */
  then?: 'end' | 'destroy' | 'read';
  waitMs?: number;
}

/** Writes raw bytes on a new loopback connection; resolves with everything the server sent back (latin1). */
export function raw(port: number, bytes: string | Buffer, options: RawOptions = {}): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const done = () => resolve(Buffer.concat(chunks).toString('latin1'));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', done);
    socket.on('close', done);
    socket.write(bytes, () => {
      if (options.then === 'end') socket.end();
      if (options.then === 'destroy') socket.destroy();
    });
    setTimeout(() => socket.destroy(), options.waitMs ?? 2000).unref();
  });
}
