// Worker thread: computes one digest algorithm (workerData) for many uploads at once.
import { createHash, type Hash } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

export type HashRequest =
  // `buffer` is transferred here (no copy) and transferred back with the ack.
  | { op: 'data'; id: number; buffer: ArrayBuffer; length: number }
  | { op: 'end'; id: number }
  | { op: 'abort'; id: number };

export type HashReply =
  | { op: 'ack'; id: number; buffer: ArrayBuffer }
  | { op: 'digest'; id: number; hex: string }
  // Sent after every ack of the session: the main thread may then forget it.
  | { op: 'aborted'; id: number }
  // Sent once at start: the thread's operating-system id (Linux), so a profiler can tell its CPU time apart.
  | { op: 'thread'; tid: number };

const algorithm = workerData as string;
const hashes = new Map<number, Hash>();
const port = parentPort!;

try {
  // "<pid>/task/<tid>" on Linux; elsewhere there is no such link and nothing is reported.
  port.postMessage({ op: 'thread', tid: Number(readlinkSync('/proc/thread-self').split('/').pop()) } satisfies HashReply);
} catch {
  // not Linux
}

port.on('message', (message: HashRequest) => {
  switch (message.op) {
    case 'abort':
      hashes.delete(message.id);
      port.postMessage({ op: 'aborted', id: message.id } satisfies HashReply);
      return;
    case 'data': {
      let hash = hashes.get(message.id);
      if (!hash) hashes.set(message.id, (hash = createHash(algorithm)));
      hash.update(new Uint8Array(message.buffer, 0, message.length));
      port.postMessage({ op: 'ack', id: message.id, buffer: message.buffer } satisfies HashReply, [message.buffer]);
      return;
    }
    case 'end': {
      const hash = hashes.get(message.id) ?? createHash(algorithm);
      hashes.delete(message.id);
      port.postMessage({ op: 'digest', id: message.id, hex: hash.digest('hex') } satisfies HashReply);
      return;
    }
  }
});
