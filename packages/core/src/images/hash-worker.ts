// Worker thread: computes one digest algorithm (workerData) for many uploads at once.
import { createHash, type Hash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';

export type HashRequest =
  // `bytes` comes with a batch's first use only: posting a SharedArrayBuffer costs far more than posting numbers.
  | { id: number; op: 'data'; batch: number; bytes?: SharedArrayBuffer; length: number }
  | { id: number; op: 'end' }
  | { id: number; op: 'abort' };

export type HashReply = { id: number; op: 'ack'; batch: number } | { id: number; op: 'digest'; hex: string };

const algorithm = workerData as string;
/** One upload's hash and the batches it has shown this thread. */
interface Session {
  hash: Hash;
  batches: Uint8Array[];
}
const sessions = new Map<number, Session>();
const port = parentPort!;

port.on('message', (message: HashRequest) => {
  if (message.op === 'abort') {
    sessions.delete(message.id);
    return;
  }
  let session = sessions.get(message.id);
  if (!session) sessions.set(message.id, (session = { hash: createHash(algorithm), batches: [] }));
  if (message.op === 'data') {
    if (message.bytes) session.batches[message.batch] = new Uint8Array(message.bytes);
    session.hash.update(session.batches[message.batch]!.subarray(0, message.length));
    port.postMessage({ id: message.id, op: 'ack', batch: message.batch } satisfies HashReply);
    return;
  }
  sessions.delete(message.id);
  port.postMessage({ id: message.id, op: 'digest', hex: session.hash.digest('hex') } satisfies HashReply);
});
