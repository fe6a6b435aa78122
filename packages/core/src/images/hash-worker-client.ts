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
 * upload waits on it.
 */
export class HashWorkerClient {
  private worker: Worker | undefined;
  private readonly sessions = new Map<number, HashSession>();

  constructor(private readonly algorithm: string) {}

  open(id: number, session: HashSession): void {
    this.start();
    this.sessions.set(id, session);
    this.refresh();
  }

  /** `bytes` only with a batch's first use in this session; the thread keeps it until the session ends. */
  send(id: number, batch: number, bytes: SharedArrayBuffer | undefined, length: number): void {
    this.worker!.postMessage((bytes ? { id, op: 'data', batch, bytes, length } : { id, op: 'data', batch, length }) satisfies HashRequest);
  }

  end(id: number): void {
    this.worker!.postMessage({ id, op: 'end' } satisfies HashRequest);
  }

  abort(id: number): void {
    if (this.sessions.delete(id)) this.worker?.postMessage({ id, op: 'abort' } satisfies HashRequest);
    this.refresh();
  }

  private start(): void {
    if (this.worker) return;
    const worker = new Worker(new URL('./hash-worker.js', import.meta.url), { workerData: this.algorithm });
    worker.on('message', (reply: HashReply) => {
      const session = this.sessions.get(reply.id);
      if (!session) return;
      if (reply.op === 'ack') {
        session.onAck(reply.batch);
        return;
      }
      this.sessions.delete(reply.id);
      this.refresh();
      session.onDigest(reply.hex);
    });
    const fail = (error: Error) => {
      this.worker = undefined;
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
