import { HashWorkerClient } from './hash-worker-client.js';

const BATCH_BYTES = 1 << 20;
const MAX_BATCHES = 16;
const md5Worker = new HashWorkerClient('md5');
const sha256Worker = new HashWorkerClient('sha256');
let nextId = 1;

interface Batch {
  bytes: SharedArrayBuffer;
  view: Buffer;
  /** Workers still reading it; 0 means free. */
  readers: number;
  /** Whether the workers have been given the buffer yet. */
  shown: boolean;
}

/**
 * MD5 and SHA-256 of an upload, each computed in its own worker thread, so
 * neither digest holds up the main thread's I/O. Bytes are copied once into
 * shared 1 MiB batches both workers read; at most 16 batches (16 MiB) per
 * upload exist, reused as the workers finish with them, so memory stays flat.
 */
export class OffloadedDigests {
  private readonly id = nextId++;
  private readonly batches: Batch[] = [];
  private current: Batch | undefined;
  private used = 0;
  private waiting: (() => void) | undefined;
  private failure: Error | undefined;
  private results: { md5?: string; sha256?: string } = {};
  private finished: ((digests: { md5: string; sha256: string }) => void) | undefined;
  private rejected: ((error: Error) => void) | undefined;
  private opened = false;

  /** Adds bytes; `ready` is called once the caller may send more (backpressure). */
  update(chunk: Buffer, ready: () => void): void {
    if (this.failure) throw this.failure;
    this.open();
    let offset = 0;
    const pump = () => {
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
      ready();
    };
    pump();
  }

  digest(): Promise<{ md5: string; sha256: string }> {
    if (this.failure) return Promise.reject(this.failure);
    this.open();
    if (this.used > 0) this.dispatch();
    return new Promise((resolve, reject) => {
      this.finished = resolve;
      this.rejected = reject;
      md5Worker.end(this.id);
      sha256Worker.end(this.id);
    });
  }

  abort(): void {
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
        this.failure = error;
        this.rejected?.(error);
      },
    });
    md5Worker.open(this.id, session('md5'));
    sha256Worker.open(this.id, session('sha256'));
  }

  private freeBatch(): Batch | undefined {
    const free = this.batches.find((b) => b.readers === 0);
    if (free) return free;
    if (this.batches.length >= MAX_BATCHES) return undefined;
    const bytes = new SharedArrayBuffer(BATCH_BYTES);
    const batch: Batch = { bytes, view: Buffer.from(bytes), readers: 0, shown: false };
    this.batches.push(batch);
    return batch;
  }

  private dispatch(): void {
    const batch = this.current!;
    const index = this.batches.indexOf(batch);
    batch.readers = 2;
    const bytes = batch.shown ? undefined : batch.bytes;
    batch.shown = true;
    md5Worker.send(this.id, index, bytes, this.used);
    sha256Worker.send(this.id, index, bytes, this.used);
    this.current = undefined;
    this.used = 0;
  }

  private release(index: number): void {
    const batch = this.batches[index];
    if (!batch) return;
    batch.readers -= 1;
    if (batch.readers === 0 && this.waiting) {
      const resume = this.waiting;
      this.waiting = undefined;
      resume();
    }
  }
}
