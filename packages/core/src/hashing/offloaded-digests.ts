import { availableParallelism } from 'node:os';
import type { HashSession, HashWorkerClient } from './hash-worker-client.js';
import { HashWorkerPool } from './hash-worker-pool.js';

const BATCH_BYTES = 1 << 20;
/** Batches one upload may have in flight: its read-ahead of the slower thread. */
const MAX_BATCHES_PER_UPLOAD = 16;
/** Idle batches kept for later uploads; batches released beyond that are dropped. */
const IDLE_BATCHES = 32;

/**
 * The hashing threads, one pool per algorithm (tests stop them to play a crash; profilers read their
 * ids). An upload also needs the main thread, the kernel's TCP receive and page-cache write, and a
 * SHA-256 thread (about half an MD5 thread's work): MD5 threads get half the cores, SHA-256 threads a
 * quarter, at least one each. On 2 cores one MD5 thread serves all uploads: measured with 4 and 8
 * concurrent uploads (npm run bench:load), a second one cost 15-20% more CPU per GiB and lowered
 * the aggregate rate, the cores being busy already.
 */
const cores = availableParallelism();
export const hashWorkers = {
  md5: new HashWorkerPool('md5', Math.max(1, Math.floor(cores / 2))),
  sha256: new HashWorkerPool('sha256', Math.max(1, Math.floor(cores / 4))),
} as const;

let nextId = 1;

/**
 * Batch buffers, reused across uploads: a buffer is plain memory (not shared)
 * that moves by transfer, filled here, then to an MD5 thread, back, to a
 * SHA-256 thread, back to this pool. Copying into plain memory is a memcpy;
 * copying into a SharedArrayBuffer is not (V8 copies shared memory with
 * relaxed atomic moves, several times slower). Reuse matters too: a fresh
 * 1 MiB buffer per batch, freed by the garbage collector, made later uploads
 * twice as costly in the kernel. At most 32 idle buffers are kept.
 */
const pool = { idle: [] as ArrayBuffer[], made: 0 };

/** For tests: batch buffers alive (made, not dropped nor lost with a dead thread), and those idle in the pool now. */
export function digestBatchCounts(): { made: number; idle: number } {
  return { made: pool.made, idle: pool.idle.length };
}

function takeBuffer(): ArrayBuffer {
  const idle = pool.idle.pop();
  if (idle) return idle;
  pool.made += 1;
  return new ArrayBuffer(BATCH_BYTES);
}

function returnBuffer(buffer: ArrayBuffer): void {
  if (pool.idle.length < IDLE_BATCHES) pool.idle.push(buffer);
  else pool.made -= 1;
}

/**
 * MD5 and SHA-256 of an upload, each computed in a worker thread, so neither
 * digest holds up the main thread's I/O. Bytes are copied once into 1 MiB
 * batches that visit an MD5 thread, then a SHA-256 thread (the two work on
 * different batches at once); an upload holds at most 16 batches.
 */
export class OffloadedDigests {
  private readonly id = nextId++;
  private md5: HashWorkerClient | undefined;
  private sha256: HashWorkerClient | undefined;
  private current: Buffer | undefined;
  private used = 0;
  /** Lengths of the batches at the MD5 thread, in order (a thread answers in order). */
  private readonly atMd5: number[] = [];
  /** Lengths of the batches at the SHA-256 thread, in order. */
  private readonly atSha256: number[] = [];
  private ending = false;
  private stopped = false;
  private waiting: (() => void) | undefined;
  private failure: Error | undefined;
  private results: { md5?: string; sha256?: string } = {};
  private finished: ((digests: { md5: string; sha256: string }) => void) | undefined;
  private rejected: ((error: Error) => void) | undefined;

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
          if (this.held() >= MAX_BATCHES_PER_UPLOAD) {
            this.waiting = pump;
            return;
          }
          this.current = Buffer.from(takeBuffer());
        }
        const n = Math.min(chunk.length - offset, BATCH_BYTES - this.used);
        chunk.copy(this.current, this.used, offset, offset + n);
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
    this.dropCurrent();
    return new Promise((resolve, reject) => {
      this.finished = resolve;
      this.rejected = reject;
      this.ending = true;
      this.md5!.end(this.id);
      if (this.atMd5.length === 0) this.sha256!.end(this.id);
    });
  }

  /** Stops hashing; batches in flight come back to the pool as the threads return them. */
  abort(): void {
    this.waiting = undefined;
    this.stopped = true;
    this.dropCurrent();
    this.md5?.abort(this.id);
    this.sha256?.abort(this.id);
  }

  /** Batches this upload holds: the one being filled and those at a thread. */
  private held(): number {
    return (this.current ? 1 : 0) + this.atMd5.length + this.atSha256.length;
  }

  private open(): void {
    if (this.md5) return;
    this.md5 = hashWorkers.md5.pick();
    this.md5.open(this.id, this.session('md5'));
    this.sha256 = hashWorkers.sha256.pick();
    this.sha256.open(this.id, this.session('sha256'));
  }

  private session(name: 'md5' | 'sha256'): HashSession {
    return {
      onAck: (buffer) => (name === 'md5' ? this.hashedMd5(buffer) : this.hashedBoth(buffer)),
      onDigest: (hex) => {
        this.results[name] = hex;
        const { md5, sha256 } = this.results;
        if (md5 !== undefined && sha256 !== undefined) this.finished?.({ md5, sha256 });
      },
      onFail: (error) => {
        // The thread's batches are gone with it; those at the other thread come back by their acks.
        const lost = name === 'md5' ? this.atMd5 : this.atSha256;
        pool.made -= lost.length;
        lost.length = 0;
        if (this.failure) return; // both threads' sessions may end with the same upload
        this.failure = error;
        this.stopped = true;
        this.dropCurrent();
        (name === 'md5' ? this.sha256 : this.md5)?.abort(this.id);
        this.rejected?.(error);
        this.resume();
      },
    };
  }

  /** A batch back from the MD5 thread goes on to the SHA-256 thread (unless the upload stopped). */
  private hashedMd5(buffer: ArrayBuffer): void {
    const length = this.atMd5.shift()!;
    if (this.stopped) {
      this.release(buffer);
      return;
    }
    this.atSha256.push(length);
    this.sha256!.send(this.id, buffer, length);
    if (this.ending && this.atMd5.length === 0) this.sha256!.end(this.id);
  }

  /** A batch back from the SHA-256 thread has been through both: back to the pool. */
  private hashedBoth(buffer: ArrayBuffer): void {
    this.atSha256.shift();
    this.release(buffer);
  }

  private dispatch(): void {
    const batch = this.current!;
    this.atMd5.push(this.used);
    this.md5!.send(this.id, batch.buffer as ArrayBuffer, this.used);
    this.current = undefined;
    this.used = 0;
  }

  /** The batch being filled goes back unused (the upload ended or stopped). */
  private dropCurrent(): void {
    const batch = this.current;
    if (!batch) return;
    this.current = undefined;
    this.used = 0;
    this.release(batch.buffer as ArrayBuffer);
  }

  private release(buffer: ArrayBuffer): void {
    returnBuffer(buffer);
    this.resume();
  }

  private resume(): void {
    const resume = this.waiting;
    this.waiting = undefined;
    resume?.();
  }
}
