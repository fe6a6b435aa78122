import { Worker } from 'node:worker_threads';
import type { HashReply, HashRequest } from './hash-worker.js';

export interface HashSession {
  onAck(batch: number): void;
  onDigest(hex: string): void;
  onFail(error: Error): void;
}

/**
 * The main-thread side of one hashing worker thread (one per algorithm,
 * shared by every upload). The thread keeps the process alive only while an
 * upload waits on it. It remembers which shared batches the current thread
 * has been shown, so each buffer crosses over once.
 */
export class HashWorkerClient {
  private worker: Worker | undefined;
  private readonly sessions = new Map<number, HashSession>();
  private readonly shown = new Set<number>();
  /** The running thread's operating-system id (Linux only), for profilers reading /proc/<pid>/task/<tid>. */
  threadId: number | undefined;

  constructor(private readonly algorithm: string) {}

  open(id: number, session: HashSession): void {
    this.start();
    this.sessions.set(id, session);
    this.refresh();
  }

  send(id: number, batch: number, bytes: SharedArrayBuffer, length: number): void {
    const first = !this.shown.has(batch);
    this.shown.add(batch);
    this.worker!.postMessage((first ? { op: 'data', id, batch, bytes, length } : { op: 'data', id, batch, length }) satisfies HashRequest);
  }

  end(id: number): void {
    this.worker!.postMessage({ op: 'end', id } satisfies HashRequest);
  }

  /** Stops hashing session `id`; acks of batches it already sent still arrive, then the session goes. */
  abort(id: number): void {
    if (this.sessions.has(id)) this.worker?.postMessage({ op: 'abort', id } satisfies HashRequest);
  }

  /** The thread drops its view of a batch the pool no longer keeps. */
  forget(batch: number): void {
    if (this.shown.delete(batch)) this.worker?.postMessage({ op: 'forget', batch } satisfies HashRequest);
  }

  /** Stops the thread; uploads using it fail, and the next one starts a new thread (tests use it to play a crash). */
  async terminate(): Promise<void> {
    await this.worker?.terminate();
  }

  private start(): void {
    if (this.worker) return;
    this.shown.clear();
    const worker = new Worker(new URL('./hash-worker.js', import.meta.url), { workerData: this.algorithm });
    worker.on('message', (reply: HashReply) => {
      if (reply.op === 'thread') {
        this.threadId = reply.tid;
        return;
      }
      const session = this.sessions.get(reply.id);
      if (!session) return;
      if (reply.op === 'ack') {
        session.onAck(reply.batch);
        return;
      }
      this.sessions.delete(reply.id);
      this.refresh();
      if (reply.op === 'digest') session.onDigest(reply.hex);
    });
    const fail = (error: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.threadId = undefined;
      const sessions = [...this.sessions.values()];
      this.sessions.clear();
      for (const session of sessions) session.onFail(error);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the ${this.algorithm} worker thread exited with code ${code}`)));
    this.worker = worker;
  }

  private refresh(): void {
    if (this.sessions.size > 0) this.worker?.ref();
    else this.worker?.unref();
  }
}
