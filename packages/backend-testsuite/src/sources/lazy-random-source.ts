import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

export interface LazyRandomSourceOptions {
  size: number;
  chunkSize?: number;
  /** Called after each chunk with the bytes produced so far. */
  onProgress?(produced: number): void;
  /** Measures how many bytes reached the storage; sampled about every `probeEvery` bytes. */
  probe?(): Promise<number>;
  probeEvery?: number;
}

/**
 * Produces `size` random bytes only when the consumer asks (`read()`), and
 * records how far production ran ahead of the storage: each probe compares
 * the bytes produced when it started with what the storage then held.
 */
export class LazyRandomSource extends Readable {
  produced = 0;
  probes = 0;
  maxLead = 0;
  private readonly hash = createHash('sha256');
  private readonly size: number;
  private readonly chunkSize: number;
  private readonly probeEvery: number;
  private readonly onProgress: ((produced: number) => void) | undefined;
  private readonly probe: (() => Promise<number>) | undefined;
  private nextProbeAt: number;
  private pendingProbe: Promise<void> | undefined;

  constructor(options: LazyRandomSourceOptions) {
    super();
    this.size = options.size;
    this.chunkSize = options.chunkSize ?? 64 * 1024;
    this.probeEvery = options.probeEvery ?? 1024 * 1024;
    this.nextProbeAt = this.probeEvery;
    this.onProgress = options.onProgress;
    this.probe = options.probe;
  }

  /** SHA-256 of everything produced so far. */
  digest(): string {
    return this.hash.copy().digest('hex');
  }

  override _read(): void {
    if (this.produced >= this.size) {
      // The writer cannot commit before the end of the source, so no probe can
      // run across the moment a temporary object becomes the final one.
      const pending = this.pendingProbe ?? Promise.resolve();
      void pending.then(() => {
        if (!this.destroyed) this.push(null);
      });
      return;
    }
    const chunk = randomBytes(Math.min(this.chunkSize, this.size - this.produced));
    this.hash.update(chunk);
    this.produced += chunk.length;
    this.startProbe();
    this.push(chunk);
    this.onProgress?.(this.produced);
  }

  private startProbe(): void {
    if (!this.probe || this.pendingProbe || this.produced < this.nextProbeAt) return;
    this.nextProbeAt = this.produced + this.probeEvery;
    const producedAtStart = this.produced;
    this.pendingProbe = this.probe().then(
      (stored) => {
        this.probes += 1;
        this.maxLead = Math.max(this.maxLead, producedAtStart - stored);
        this.pendingProbe = undefined;
      },
      (error: unknown) => {
        this.destroy(error instanceof Error ? error : new Error(String(error)));
      },
    );
  }
}
