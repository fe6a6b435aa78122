import type { ServerResponse } from 'node:http';
import { BackendError, READ_CHUNK, type ObjectReader } from '@visor/plugin-api';

/** Reads ahead of the socket per download: enough to keep it busy while the next read runs. */
const BUFFERS_PER_DOWNLOAD = 4;
/**
 * Buffers all downloads may hold together before they stop reading ahead:
 * past it each download keeps one, so memory stays bounded however many
 * slow clients there are (one MiB each, as a stream would take).
 */
const READ_AHEAD_LIMIT = 64;
/** Idle buffers kept for the next download. */
const POOL_LIMIT = 32;
const pool: Buffer[] = [];
let held = 0;

export interface SendFromReaderOptions {
  /** First and last byte to send (inclusive). */
  start: number;
  end: number;
  /** Named in errors. */
  backend: string;
  key: string;
}

export interface SendResult {
  /** Bytes the socket accepted. */
  bytes: number;
  outcome: 'completed' | 'aborted' | 'failed';
  error?: Error;
}

/** Buffers downloads hold right now (for tests: 0 once every download has ended). */
export function heldDownloadBuffers(): number {
  return held;
}

/**
 * Sends bytes start..end of an object to a response whose head is already
 * written, reading ahead into at most four 1 MiB buffers that are reused once
 * the socket has taken their bytes, and across downloads through a small pool.
 * Downloads thus allocate nothing per chunk, which keeps the garbage collector
 * and page faults out of the way. Ends the response when every byte is sent;
 * destroys it when a read fails, so the client sees a short body, never a
 * wrong one. Always closes the reader. Never rejects: the result says how it went.
 */
export function sendFromReader(reader: ObjectReader, res: ServerResponse, options: SendFromReaderOptions): Promise<SendResult> {
  const total = options.end - options.start + 1;
  let position = options.start;
  let sent = 0;
  let reading = false;
  let owned = 0;
  let settled = false;
  const ready: { buffer: Buffer; view: Buffer }[] = [];

  return new Promise<SendResult>((resolve) => {
    const settle = (outcome: SendResult['outcome'], error?: Error) => {
      if (settled) return;
      settled = true;
      res.off('close', onClose);
      // Buffers being written may still be in the kernel's hands: they are left to the garbage
      // collector. Queued ones go back to the pool now, the one being read once its read ends.
      held -= owned - ready.length - (reading ? 1 : 0);
      for (const { buffer } of ready.splice(0)) release(buffer);
      void reader.close().catch(() => undefined);
      resolve({ bytes: sent, outcome, ...(error ? { error } : {}) });
    };
    const fail = (error: Error) => {
      settle('failed', error);
      res.destroy(error);
    };
    const onClose = () => settle(sent === total && res.writableFinished ? 'completed' : 'aborted');
    res.on('close', onClose);

    const pump = (): void => {
      if (settled) return;
      for (let next = ready.shift(); next; next = ready.shift()) {
        const { buffer, view } = next;
        res.write(view, (error) => {
          if (settled) return;
          if (error) return void settle('aborted', error);
          sent += view.length;
          owned -= 1;
          release(buffer);
          if (sent === total) res.end(() => settle('completed'));
          else pump();
        });
      }
      if (reading || position > options.end || owned >= BUFFERS_PER_DOWNLOAD) return;
      if (owned > 0 && held >= READ_AHEAD_LIMIT) return;
      reading = true;
      owned += 1;
      const buffer = take();
      const length = Math.min(READ_CHUNK, options.end + 1 - position);
      reader.read(buffer, length, position).then(
        (count) => {
          reading = false;
          if (settled) {
            release(buffer);
            return;
          }
          if (count === 0) {
            fail(new BackendError(options.backend, options.key, `the object ended at byte ${position}, before byte ${options.end}`));
            return;
          }
          ready.push({ buffer, view: buffer.subarray(0, count) });
          position += count;
          pump();
        },
        (error: Error) => {
          reading = false;
          owned -= 1;
          release(buffer);
          if (!settled) fail(error);
        },
      );
    };
    // A client gone before the first byte: 'close' has fired already and end()'s callback never would.
    if (res.destroyed) settle('aborted');
    else if (total === 0) res.end(() => settle('completed'));
    else pump();
  });
}

function take(): Buffer {
  held += 1;
  return pool.pop() ?? Buffer.allocUnsafeSlow(READ_CHUNK);
}

function release(buffer: Buffer): void {
  held -= 1;
  if (pool.length < POOL_LIMIT) pool.push(buffer);
}
