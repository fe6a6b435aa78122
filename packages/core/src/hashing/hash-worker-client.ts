import { Worker } from 'node:worker_threads';
import type { HashReply, HashRequest } from './hash-worker.js';

export interface HashSession {
  /** A batch's buffer is back from the thread (transferred), hashed. */
  onAck(buffer: ArrayBuffer): void;
  onDigest(hex: string): void;
  /** The thread died: buffers it held are gone, and no more acks come for this session. */
  onFail(error: Error): void;
}

/**
 * The main-thread side of one hashing worker thread. Batches cross over by
 * transfer (no copy, no shared memory) and come back with their ack. The
 * thread keeps the process alive only while an upload waits on it.
 */
export class HashWorkerClient {
  private worker: Worker | undefined;
  private readonly sessions = new Map<number, HashSession>();
  /** The running thread's operating-system id (Linux only), for profilers reading /proc/<pid>/task/<tid>. */
  threadId: number | undefined;

  constructor(readonly algorithm: string) {}

  /** Uploads hashing on this thread now: the pool gives a new upload the least busy thread. */
  get load(): number {
    return this.sessions.size;
  }

  open(id: number, session: HashSession): void {
    this.start();
    this.sessions.set(id, session);
    this.refresh();
  }

  /** Hands `buffer` (its first `length` bytes are data) to the thread; it is detached here until acked. */
  send(id: number, buffer: ArrayBuffer, length: number): void {
    this.worker!.postMessage({ op: 'data', id, buffer, length } satisfies HashRequest, [buffer]);
  }

  end(id: number): void {
    this.worker!.postMessage({ op: 'end', id } satisfies HashRequest);
  }

  /** Stops hashing session `id`; acks of batches it already sent still arrive, then the session goes. */
  abort(id: number): void {
    if (this.sessions.has(id)) this.worker?.postMessage({ op: 'abort', id } satisfies HashRequest);
  }

  /** Stops the thread; uploads using it fail, and the next one starts a new thread (tests use it to play a crash). */
  async terminate(): Promise<void> {
    await this.worker?.terminate();
  }

  private start(): void {
    if (this.worker) return;
    const worker = new Worker(new URL('./hash-worker.js', import.meta.url), { workerData: this.algorithm });
    worker.on('message', (reply: HashReply) => {
      if (reply.op === 'thread') {
        this.threadId = reply.tid;
        return;
      }
      const session = this.sessions.get(reply.id);
      if (!session) return;
      if (reply.op === 'ack') {
        session.onAck(reply.buffer);
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
