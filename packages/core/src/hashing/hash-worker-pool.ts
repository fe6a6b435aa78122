import { HashWorkerClient } from './hash-worker-client.js';

/**
 * The threads computing one digest algorithm. One upload's digest cannot be
 * split across threads (MD5 and SHA-256 are sequential), but concurrent
 * uploads can each have their own: a new upload gets an idle thread, started
 * on demand up to `size`, else the least busy.
 */
export class HashWorkerPool {
  private readonly threads: HashWorkerClient[] = [];

  constructor(
    readonly algorithm: string,
    readonly size: number,
  ) {}

  /** The thread for a new upload: an idle one, a new one while under `size`, else the one with the fewest uploads. */
  pick(): HashWorkerClient {
    let best: HashWorkerClient | undefined;
    for (const thread of this.threads) if (best === undefined || thread.load < best.load) best = thread;
    if (best !== undefined && (best.load === 0 || this.threads.length >= this.size)) return best;
    const thread = new HashWorkerClient(this.algorithm);
    this.threads.push(thread);
    return thread;
  }

  /** Operating-system ids of the running threads (Linux), for profilers. */
  get threadIds(): number[] {
    return this.threads.flatMap((thread) => (thread.threadId === undefined ? [] : [thread.threadId]));
  }

  /** Stops every thread; their uploads fail, later uploads start new threads (tests use it to play a crash). */
  async terminate(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.terminate()));
  }
}
