// Worker thread of HashingCounter: hashes the chunks it is sent, acknowledges each one, and
// answers the hex digests at the end. Kept apart so hashing never holds up the event loop
// that moves the bytes.
import { createHash, type Hash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';

const hashes: Array<[string, Hash]> = (workerData as { algorithms: string[] }).algorithms.map((a) => [a, createHash(a)]);

parentPort!.on('message', (message: { type: 'data'; chunk: ArrayBuffer } | { type: 'end' }) => {
  if (message.type === 'data') {
    const bytes = new Uint8Array(message.chunk);
    for (const [, hash] of hashes) hash.update(bytes);
    // The batch goes back to be filled again (see HashingCounter).
    parentPort!.postMessage({ type: 'ack', bytes: bytes.length, chunk: message.chunk }, [message.chunk]);
  } else {
    parentPort!.postMessage({ type: 'digests', digests: Object.fromEntries(hashes.map(([a, h]) => [a, h.digest('hex')])) });
  }
});
