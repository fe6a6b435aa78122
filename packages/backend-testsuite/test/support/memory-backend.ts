import { Readable, Writable, addAbortSignal } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  InvalidKeyError,
  InvalidRangeError,
  ObjectNotFoundError,
  WRITABLE_STORE,
  type Backend,
  type BackendCapabilities,
  type BackendHealth,
  type GetOptions,
  type GetResult,
  type ObjectReader,
  type ObjectStat,
  type PutOptions,
  type PutResult,
  type RedirectOptions,
} from '@visor/plugin-api';

const SAFE_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;
const READ_CHUNK = 64 * 1024;

/**
 * A correct in-memory backend: the reference the suite must pass. Its
 * protected steps let the tests derive broken variants the suite must fail.
 */
export class MemoryBackend implements Backend {
  readonly type = 'memory';
  readonly capabilities: BackendCapabilities = {
    ...WRITABLE_STORE,
    positionalReads: true,
    locateBeforeWrite: true,
    redirects: true,
    registerLocations: true,
  };
  readonly objects = new Map<string, Buffer>();
  /** In-flight writes, by temporary id. */
  readonly partials = new Map<string, Buffer[]>();
  private writes = 0;

  constructor(readonly name: string) {}

  listRaw(): string[] {
    return [...this.objects.keys(), ...this.partials.keys()];
  }

  storedBytes(): number {
    let total = 0;
    for (const data of this.objects.values()) total += data.length;
    for (const chunks of this.partials.values()) for (const chunk of chunks) total += chunk.length;
    return total;
  }

  async put(key: string, source: Readable, options: PutOptions = {}): Promise<PutResult> {
    this.checkKey(key);
    options.signal?.throwIfAborted();
    const id = `.partial/${key}.${++this.writes}`;
    const chunks: Buffer[] = [];
    this.partials.set(id, chunks);
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    });
    try {
      await pipeline(source, sink, { signal: options.signal });
      this.commit(key, Buffer.concat(chunks));
      this.partials.delete(id);
    } catch (error) {
      this.discardPartial(id);
      throw error;
    }
    return { location: this.locate(key), size: this.objects.get(key)?.length ?? 0 };
  }

  async get(location: string, options: GetOptions = {}): Promise<GetResult> {
    const key = this.keyOf(location);
    const data = this.objects.get(key);
    if (!data) throw new ObjectNotFoundError(this.name, key);
    const { range, signal } = options;
    if (range && !(range.start >= 0 && range.start <= range.end && range.end < data.length)) {
      throw new InvalidRangeError(this.name, key, `${range.start}-${range.end} outside ${data.length} bytes`);
    }
    const slice = range ? data.subarray(range.start, range.end + 1) : data;
    const chunks: Buffer[] = [];
    for (let offset = 0; offset < slice.length; offset += READ_CHUNK) chunks.push(slice.subarray(offset, offset + READ_CHUNK));
    const stream = Readable.from(chunks, { objectMode: false });
    return { body: signal ? addAbortSignal(signal, stream) : stream, info: { size: data.length, etag: `"${data.length}"` } };
  }

  async openReader(location: string): Promise<ObjectReader> {
    const key = this.keyOf(location);
    const data = this.objects.get(key);
    if (!data) throw new ObjectNotFoundError(this.name, key);
    return {
      size: data.length,
      read: async (buffer, length, position) => this.readAt(data, buffer, length, position),
      close: async () => undefined,
    };
  }

  async stat(location: string): Promise<ObjectStat> {
    const key = this.keyOf(location);
    const data = this.objects.get(key);
    if (!data) throw new ObjectNotFoundError(this.name, key);
    return { size: data.length, modifiedAt: new Date(), etag: `"${data.length}"` };
  }

  async delete(location: string): Promise<void> {
    const key = this.keyOf(location);
    if (!this.objects.delete(key)) throw new ObjectNotFoundError(this.name, key);
  }

  async health(): Promise<BackendHealth> {
    return { ok: true, message: `${this.objects.size} objects in memory` };
  }

  async cleanup(): Promise<number> {
    const count = this.partials.size;
    this.partials.clear();
    return count;
  }

  protected readAt(data: Buffer, buffer: Buffer, length: number, position: number): number {
    return data.copy(buffer, 0, Math.min(position, data.length), Math.min(position + length, data.length));
  }

  protected checkKey(key: string): void {
    if (!SAFE_KEY.test(key)) throw new InvalidKeyError(this.name, key, 'not a safe key');
  }

  protected commit(key: string, data: Buffer): void {
    this.objects.set(key, data);
  }

  protected discardPartial(id: string): void {
    this.partials.delete(id);
  }

  /** A URL under a reserved name (RFC 2606): nothing serves it, the suite only checks its form. */
  async redirectUrl(location: string, options: RedirectOptions): Promise<string> {
    const key = this.keyOf(location);
    if (!this.objects.has(key)) throw new ObjectNotFoundError(this.name, key);
    return `https://memory.example/${this.name}/${key}?expires=${Math.floor(Date.now() / 1000) + options.expiresIn}`;
  }

  ownsLocation(location: string): boolean {
    try {
      this.keyOf(location);
      return true;
    } catch {
      return false;
    }
  }

  locationOf(key: string): string {
    this.checkKey(key);
    return this.locate(key);
  }

  private locate(key: string): string {
    return `memory://${this.name}/${key}`;
  }

  private keyOf(location: string): string {
    const prefix = `memory://${this.name}/`;
    const key = location.startsWith(prefix) ? location.slice(prefix.length) : '';
    if (!SAFE_KEY.test(key)) throw new InvalidKeyError(this.name, location, 'not a location of this store');
    return key;
  }
}
