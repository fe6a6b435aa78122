// Worker thread: computes one digest algorithm (workerData) for many uploads at once.
import { createHash, type Hash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';

export type HashRequest =
  | { id: number; op: 'data'; batch: number; bytes: SharedArrayBuffer; length: number }
  | { id: number; op: 'end' }
  | { id: number; op: 'abort' };

export type HashReply = { id: number; op: 'ack'; batch: number } | { id: number; op: 'digest'; hex: string };

const algorithm = workerData as string;
const hashes = new Map<number, Hash>();
const port = parentPort!;

port.on('message', (message: HashRequest) => {
  if (message.op === 'abort') {
    hashes.delete(message.id);
    return;
  }
  let hash = hashes.get(message.id);
  if (!hash) hashes.set(message.id, (hash = createHash(algorithm)));
  if (message.op === 'data') {
    hash.update(new Uint8Array(message.bytes, 0, message.length));
    port.postMessage({ id: message.id, op: 'ack', batch: message.batch } satisfies HashReply);
    return;
  }
  hashes.delete(message.id);
  port.postMessage({ id: message.id, op: 'digest', hex: hash.digest('hex') } satisfies HashReply);
});
