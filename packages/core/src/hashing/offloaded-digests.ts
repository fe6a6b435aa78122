import type { HashSession, HashWorkerClient } from './hash-worker-client.js';
import { HashWorkerPool } from './hash-worker-pool.js';

/** Bytes per batch: the unit hashed by the threads and handed on downstream. */
export const BATCH_BYTES = 1 << 20;
/** Batches one upload may have out (filling, hashing, or hashed and not yet taken downstream). */
const MAX_BATCHES_PER_UPLOAD = 16;

/** The hashing threads, one pool per algorithm (tests stop them to play a crash; profilers read their ids). */
export const hashWorkers = { md5: new HashWorkerPool('md5'), sha256: new HashWorkerPool('sha256') } as const;

let nextId = 1;
const live = { batches: 0 };

/** For tests: batches made and not yet handed downstream or dropped, across every upload (0 once none runs). */
export function batchesOut(): number {
  return live.batches;
}

/**
 * MD5 and SHA-256 of an upload, each computed in a worker thread, so neither
 * digest holds up the main thread's I/O. Bytes are copied once, into 1 MiB
 * batches of plain memory that move by transfer (no copy, no shared memory:
 * V8 copies into a SharedArrayBuffer with relaxed atomic moves, several times
 * slower than memcpy) to an MD5 thread, back, to a SHA-256 thread, back, and
 * then to `sink`, in order: the bytes go on downstream only once both digests
 * have them, in 1 MiB pieces. The two threads work on different batches at
 * once; an upload has at most 16 batches out (`sink` must take each at once).
 */
export class OffloadedDigests {
  private readonly id = nextId++;
  private md5: HashWorkerClient | undefined;
  private sha256: HashWorkerClient | undefined;
  private current: Buffer | undefined;
  private used = 0;
  /** Batches this upload has out: filling, at a thread, or back and not yet handed on. */
  private held = 0;
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

  /** `sink` receives the bytes again, hashed, in order, as Buffers of up to 1 MiB. */
  constructor(private readonly sink: (batch: Buffer) => void) {}

  /** Batches at the threads now: each comes out of `sink` later. */
  get hashing(): number {
    return this.atMd5.length + this.atSha256.length;
  }

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
          if (this.held >= MAX_BATCHES_PER_UPLOAD) {
            this.waiting = pump;
            return;
          }
          this.held += 1;
          live.batches += 1;
          this.current = Buffer.allocUnsafeSlow(BATCH_BYTES);
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

  /** Resolves once every batch went through both threads and on to `sink`. */
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

  /** Stops hashing; batches in flight are dropped as the threads return them. */
  abort(): void {
    this.waiting = undefined;
    this.stopped = true;
    this.dropCurrent();
    this.md5?.abort(this.id);
    this.sha256?.abort(this.id);
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
        this.held -= lost.length;
        live.batches -= lost.length;
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
      this.drop();
      return;
    }
    this.atSha256.push(length);
    this.sha256!.send(this.id, buffer, length);
    if (this.ending && this.atMd5.length === 0) this.sha256!.end(this.id);
  }

  /** A batch back from the SHA-256 thread has been through both: on to the sink. */
  private hashedBoth(buffer: ArrayBuffer): void {
    const length = this.atSha256.shift()!;
    if (this.stopped) {
      this.drop();
      return;
    }
    this.held -= 1;
    live.batches -= 1;
    this.sink(Buffer.from(buffer, 0, length));
    this.resume();
  }

  private dispatch(): void {
    const batch = this.current!;
    this.atMd5.push(this.used);
    this.md5!.send(this.id, batch.buffer as ArrayBuffer, this.used);
    this.current = undefined;
    this.used = 0;
  }

  /** The batch being filled is let go (the upload ended or stopped). */
  private dropCurrent(): void {
    if (!this.current) return;
    this.current = undefined;
    this.used = 0;
    this.drop();
  }

  private drop(): void {
    this.held -= 1;
    live.batches -= 1;
    this.resume();
  }

  private resume(): void {
    const resume = this.waiting;
    this.waiting = undefined;
    resume?.();
  }
}
