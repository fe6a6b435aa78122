import { HashWorkerClient } from './hash-worker-client.js';

const BATCH_BYTES = 1 << 20;
/** Batches one upload may have in flight: its read-ahead of the slower worker. */
const MAX_BATCHES_PER_UPLOAD = 16;
/** Idle batches kept for later uploads; batches released beyond that are dropped. */
const IDLE_BATCHES = 32;
const md5Worker = new HashWorkerClient('md5');
const sha256Worker = new HashWorkerClient('sha256');
let nextId = 1;

interface Batch {
  /** Names the batch to the worker threads, which keep a view of each batch they were shown. */
  number: number;
  bytes: SharedArrayBuffer;
  view: Buffer;
  /** Workers still reading it; 0 means free. */
  readers: number;
}

/**
 * Shared batches, reused across uploads: a worker thread receives each
 * buffer once in its life, and memory stays what the busiest moment needed
 * (at most 32 idle MiB kept), however many uploads come and go.
 */
const pool = { idle: [] as Batch[], next: 1 };

/** The two hashing threads' clients (tests stop one to play a crash). */
export const hashWorkers = { md5: md5Worker, sha256: sha256Worker } as const;

/** For tests: batches ever made, and those idle in the pool now (all of them once no upload runs). */
export function digestBatchCounts(): { made: number; idle: number } {
  return { made: pool.next - 1, idle: pool.idle.length };
}

function takeBatch(): Batch {
  const idle = pool.idle.pop();
  if (idle) return idle;
  const bytes = new SharedArrayBuffer(BATCH_BYTES);
  return { number: pool.next++, bytes, view: Buffer.from(bytes), readers: 0 };
}

function returnBatch(batch: Batch): void {
  if (pool.idle.length < IDLE_BATCHES) {
    pool.idle.push(batch);
    return;
  }
  dropBatch(batch);
}

function dropBatch(batch: Batch): void {
  md5Worker.forget(batch.number);
  sha256Worker.forget(batch.number);
}

/**
 * MD5 and SHA-256 of an upload, each computed in its own worker thread, so
 * neither digest holds up the main thread's I/O. Bytes are copied once into
 * shared 1 MiB batches both workers read; an upload holds at most 16 batches,
 * each going back to the pool once both workers are done with it.
 */
export class OffloadedDigests {
  private readonly id = nextId++;
  /** This upload's batches: the one being filled and those the workers still read. */
  private readonly held = new Map<number, Batch>();
  private current: Batch | undefined;
  private used = 0;
  private waiting: (() => void) | undefined;
  private failure: Error | undefined;
  private results: { md5?: string; sha256?: string } = {};
  private finished: ((digests: { md5: string; sha256: string }) => void) | undefined;
  private rejected: ((error: Error) => void) | undefined;
  private opened = false;

  /**
   * Adds bytes; `done` is called once the caller may send more (backpressure),
   * or with the error if a worker thread failed meanwhile.
   */
  update(chunk: Buffer, done: (error?: Error) => void): void {
    this.open();
    let offset = 0;
    const pump = () => {
      if (this.failure) {
        done(this.failure);
        return;
      }
      while (offset < chunk.length) {
        if (!this.current) {
          const batch = this.freeBatch();
          if (!batch) {
            this.waiting = pump;
            return;
          }
          this.current = batch;
        }
        const n = Math.min(chunk.length - offset, BATCH_BYTES - this.used);
        chunk.copy(this.current.view, this.used, offset, offset + n);
        this.used += n;
        offset += n;
        if (this.used === BATCH_BYTES) this.dispatch();
      }
      done();
    };
    pump();
  }

  digest(): Promise<{ md5: string; sha256: string }> {
    if (this.failure) return Promise.reject(this.failure);
    this.open();
    if (this.used > 0) this.dispatch();
    this.returnCurrent();
    return new Promise((resolve, reject) => {
      this.finished = resolve;
      this.rejected = reject;
      md5Worker.end(this.id);
      sha256Worker.end(this.id);
    });
  }

  /** Stops hashing; batches in flight come back to the pool as the workers acknowledge them. */
  abort(): void {
    this.waiting = undefined;
    this.returnCurrent();
    if (!this.opened) return;
    md5Worker.abort(this.id);
    sha256Worker.abort(this.id);
  }

  private open(): void {
    if (this.opened) return;
    this.opened = true;
    const session = (name: 'md5' | 'sha256') => ({
      onAck: (batch: number) => this.release(batch),
      onDigest: (hex: string) => {
        this.results[name] = hex;
        const { md5, sha256 } = this.results;
        if (md5 !== undefined && sha256 !== undefined) this.finished?.({ md5, sha256 });
      },
      onFail: (error: Error) => {
        if (this.failure) return; // the other thread's session ends with the same upload
        // A dead thread acknowledges nothing more: these batches never come back.
        for (const batch of this.held.values()) dropBatch(batch);
        this.held.clear();
        this.current = undefined;
        this.used = 0;
        this.failure = error;
        this.rejected?.(error);
        const resume = this.waiting;
        this.waiting = undefined;
        resume?.();
      },
    });
    md5Worker.open(this.id, session('md5'));
    sha256Worker.open(this.id, session('sha256'));
  }

  private freeBatch(): Batch | undefined {
    if (this.held.size >= MAX_BATCHES_PER_UPLOAD) return undefined;
    const batch = takeBatch();
    this.held.set(batch.number, batch);
    return batch;
  }

  /** The batch being filled goes back unused (the upload ended or stopped). */
  private returnCurrent(): void {
    const batch = this.current;
    if (!batch) return;
    this.current = undefined;
    this.used = 0;
    this.held.delete(batch.number);
    returnBatch(batch);
  }

  private dispatch(): void {
    const batch = this.current!;
    batch.readers = 2;
    md5Worker.send(this.id, batch.number, batch.bytes, this.used);
    sha256Worker.send(this.id, batch.number, batch.bytes, this.used);
    this.current = undefined;
    this.used = 0;
  }

  private release(number: number): void {
    const batch = this.held.get(number);
    if (!batch) return;
    batch.readers -= 1;
    if (batch.readers > 0) return;
    this.held.delete(number);
    returnBatch(batch);
    if (this.waiting) {
      const resume = this.waiting;
      this.waiting = undefined;
      resume();
    }
  }
}
