import { Worker } from 'node:worker_threads';
import type { Md5Reply, Md5Request } from './md5-worker.js';

const BATCH_BYTES = 1 << 20;
const MAX_IN_FLIGHT = 16;

interface Session {
  inFlight: number;
  /** Batches the worker handed back, ready for reuse: memory stays flat however large the upload. */
  spare: Buffer[];
  resume: (() => void) | undefined;
  done: ((hex: string) => void) | undefined;
  fail: (error: Error) => void;
}

/**
 * One worker thread computing MD5 for every large upload, so that MD5 (the
 * slowest digest, ~600 MB/s) runs beside SHA-256 and the I/O instead of after
 * them. Each upload is a session; bytes go in 1 MiB batches, at most 8 in flight.
 */
class Md5Worker {
  private worker: Worker | undefined;
  private readonly sessions = new Map<number, Session>();
  private nextId = 1;

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./md5-worker.js', import.meta.url));
    worker.unref();
    worker.on('message', (reply: Md5Reply) => {
      const session = this.sessions.get(reply.id);
      if (!session) return;
      if (reply.op === 'ack') {
        session.inFlight -= 1;
        session.spare.push(Buffer.from(reply.bytes));
        const resume = session.resume;
        session.resume = undefined;
        resume?.();
      } else {
        this.sessions.delete(reply.id);
        this.refresh();
        session.done?.(reply.hex);
      }
    });
    const fail = (error: Error) => {
      this.worker = undefined;
      for (const session of this.sessions.values()) session.fail(error);
      this.sessions.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the MD5 worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  open(fail: (error: Error) => void): number {
    this.start();
    const id = this.nextId++;
    this.sessions.set(id, { inFlight: 0, spare: [], resume: undefined, done: undefined, fail });
    this.refresh();
    return id;
  }

  /** Hands a batch to the worker; false when the session has as many in flight as allowed. */
  send(id: number, batch: Buffer, length: number): boolean {
    const session = this.sessions.get(id);
    if (!session) return true;
    const bytes = batch.buffer as ArrayBuffer;
    this.worker!.postMessage({ id, op: 'data', bytes, length } satisfies Md5Request, [bytes]);
    session.inFlight += 1;
    return session.inFlight < MAX_IN_FLIGHT;
  }

  /** Calls `resume` once the worker has taken a batch off the session's queue. */
  whenReady(id: number, resume: () => void): void {
    const session = this.sessions.get(id);
    if (!session || session.inFlight < MAX_IN_FLIGHT) resume();
    else session.resume = resume;
  }

  finish(id: number): Promise<string> {
    const session = this.sessions.get(id);
    if (!session) return Promise.reject(new Error('MD5 session is gone'));
    return new Promise((resolve, reject) => {
      session.done = resolve;
      session.fail = reject;
      this.worker!.postMessage({ id, op: 'end' } satisfies Md5Request);
    });
  }

  /** A batch buffer: one the worker returned, else a new one. */
  batch(id: number): Buffer {
    return this.sessions.get(id)?.spare.pop() ?? Buffer.allocUnsafeSlow(BATCH_BYTES);
  }

  abort(id: number): void {
    if (this.sessions.delete(id)) this.worker?.postMessage({ id, op: 'abort' } satisfies Md5Request);
    this.refresh();
  }

  /** The worker keeps the process alive only while an upload waits on it. */
  private refresh(): void {
    if (this.sessions.size > 0) this.worker?.ref();
    else this.worker?.unref();
  }
}

const shared = new Md5Worker();

/** An MD5 computed in the shared worker; bytes are copied into batches the worker takes over. */
export class OffloadedMd5 {
  private session: number | undefined;
  private batch: Buffer | undefined;
  private used = 0;
  private failure: Error | undefined;

  /** Opened on the first bytes, so an upload refused before any byte holds no worker session. */
  private get id(): number {
    this.session ??= shared.open((error) => {
      this.failure = error;
    });
    return this.session;
  }

  /** Adds bytes; `ready` is called once the caller may send more (backpressure). */
  update(chunk: Buffer, ready: () => void): void {
    if (this.failure) throw this.failure;
    let offset = 0;
    // A chunk may span many batches: copy on only while the worker keeps up.
    const pump = () => {
      while (offset < chunk.length) {
        this.batch ??= shared.batch(this.id);
        const n = Math.min(chunk.length - offset, BATCH_BYTES - this.used);
        chunk.copy(this.batch, this.used, offset, offset + n);
        this.used += n;
        offset += n;
        if (this.used === BATCH_BYTES && !this.flushBatch()) {
          shared.whenReady(this.id, pump);
          return;
        }
      }
      ready();
    };
    pump();
  }

  async digest(): Promise<string> {
    if (this.failure) throw this.failure;
    if (this.used > 0) this.flushBatch();
    return shared.finish(this.id);
  }

  abort(): void {
    if (this.session !== undefined) shared.abort(this.session);
  }

  private flushBatch(): boolean {
    const full = this.batch!;
    const length = this.used;
    this.batch = undefined;
    this.used = 0;
    return shared.send(this.id, full, length);
  }
}
