// Worker thread: computes MD5 digests for uploads, off the main thread (see offloaded-md5.ts).
import { createHash, type Hash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

export type Md5Request =
  | { id: number; op: 'data'; bytes: ArrayBuffer; length: number }
  | { id: number; op: 'end' }
  | { id: number; op: 'abort' };

/** The ack hands the batch's memory back, so the sender can reuse it. */
export type Md5Reply = { id: number; op: 'ack'; bytes: ArrayBuffer } | { id: number; op: 'digest'; hex: string };

const hashes = new Map<number, Hash>();
const port = parentPort!;

port.on('message', (message: Md5Request) => {
  if (message.op === 'abort') {
    hashes.delete(message.id);
    return;
  }
  let hash = hashes.get(message.id);
  if (!hash) hashes.set(message.id, (hash = createHash('md5')));
  if (message.op === 'data') {
    hash.update(new Uint8Array(message.bytes, 0, message.length));
    port.postMessage({ id: message.id, op: 'ack', bytes: message.bytes } satisfies Md5Reply, [message.bytes]);
    return;
  }
  hashes.delete(message.id);
  port.postMessage({ id: message.id, op: 'digest', hex: hash.digest('hex') } satisfies Md5Reply);
});
