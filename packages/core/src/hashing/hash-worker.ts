// Worker thread: computes one digest algorithm (workerData) for many uploads at once.
import { createHash, type Hash } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

export type HashRequest =
  // `bytes` comes with a batch's first use by this thread only: posting a SharedArrayBuffer
  // costs far more than posting numbers, and each posted one lives until this thread collects garbage.
  | { op: 'data'; id: number; batch: number; bytes?: SharedArrayBuffer; length: number }
  | { op: 'end'; id: number }
  | { op: 'abort'; id: number }
  | { op: 'forget'; batch: number };

export type HashReply =
  | { op: 'ack'; id: number; batch: number }
  | { op: 'digest'; id: number; hex: string }
  // Sent after every ack of the session: the main thread may then forget it.
  | { op: 'aborted'; id: number }
  // Sent once at start: the thread's operating-system id (Linux), so a profiler can tell its CPU time apart.
  | { op: 'thread'; tid: number };

const algorithm = workerData as string;
const hashes = new Map<number, Hash>();
/** The shared batches this thread has been shown, by batch number. */
const batches = new Map<number, Uint8Array>();
const port = parentPort!;

try {
  // "<pid>/task/<tid>" on Linux; elsewhere there is no such link and nothing is reported.
  port.postMessage({ op: 'thread', tid: Number(readlinkSync('/proc/thread-self').split('/').pop()) } satisfies HashReply);
} catch {
  // not Linux
}

port.on('message', (message: HashRequest) => {
  switch (message.op) {
    case 'forget':
      batches.delete(message.batch);
      return;
    case 'abort':
      hashes.delete(message.id);
      port.postMessage({ op: 'aborted', id: message.id } satisfies HashReply);
      return;
    case 'data': {
      if (message.bytes) batches.set(message.batch, new Uint8Array(message.bytes));
      let hash = hashes.get(message.id);
      if (!hash) hashes.set(message.id, (hash = createHash(algorithm)));
      hash.update(batches.get(message.batch)!.subarray(0, message.length));
      port.postMessage({ op: 'ack', id: message.id, batch: message.batch } satisfies HashReply);
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
