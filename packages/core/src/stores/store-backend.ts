import type { Readable } from 'node:stream';
import {
  BackendError,
  CapabilityError,
  LengthRequiredError,
  ObjectNotFoundError,
  PluginError,
  ReadOnlyBackendError,
  VisorError,
  capabilityProblems,
  type Backend,
  type BackendCapabilities,
  type BackendHealth,
  type CleanupOptions,
  type GetOptions,
  type GetResult,
  type Logger,
  type ObjectInfo,
  type ObjectReader,
  type PutOptions,
  type PutResult,
  type RedirectOptions,
} from '@visor/plugin-api';

/** One call into a backend, as the wrapper observed it (for logs, later metrics). */
export interface BackendCall {
  store: string;
  operation: string;
  /** The key or location the call was about. */
  subject: string | undefined;
  durationMs: number;
  ok: boolean;
  /** The error's code when the call failed. */
  code?: string;
}

export type BackendCallObserver = (call: BackendCall) => void;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The one wrapper the core puts around every backend (as distribution's base
 * storage driver does): it refuses calls the backend's capabilities exclude,
 * names store and key in every error, and times every call. The core only
 * ever talks to backends through it; it is itself a Backend, so what the core
 * hands out (`visor.backends`) behaves like the plugin's own object.
 */
export class StoreBackend implements Backend {
  readonly name: string;
  readonly type: string;
  readonly capabilities: BackendCapabilities;
  readonly redirectDownloads: boolean;

  private constructor(
    private readonly inner: Backend,
    private readonly logger: Logger,
    private readonly observe: BackendCallObserver | undefined,
  ) {
    this.name = inner.name;
    this.type = inner.type;
    this.capabilities = Object.freeze({ ...inner.capabilities });
    this.redirectDownloads = inner.redirectDownloads === true;
  }

  /** Checks the backend's declaration; PluginError naming `plugin` and every problem when it is unsound. */
  static wrap(backend: Backend, plugin: string, logger: Logger, observe?: BackendCallObserver): StoreBackend {
    const problems = capabilityProblems(backend as unknown as Record<string, unknown>);
    if (problems.length > 0) throw new PluginError(plugin, `backend of store '${backend.name}' declares its capabilities wrongly: ${problems.join('; ')}`);
    return new StoreBackend(backend, logger, observe);
  }

  /** True for stores Visor reads from but never writes to. */
  get readOnly(): boolean {
    return !this.capabilities.write;
  }

  put(key: string, source: Readable, options: PutOptions = {}): Promise<PutResult> {
    if (!this.capabilities.write) {
      return Promise.reject(new ReadOnlyBackendError(this.name, key, `store '${this.name}' is read-only: it takes no uploads (register images in it with a location)`));
    }
    if (this.capabilities.sizeRequired && options.size === undefined) {
      return Promise.reject(
        new LengthRequiredError(`store '${this.name}' needs the image's size before the upload starts: send Content-Length or x-image-meta-size`),
      );
    }
    return this.call('put', key, () => this.inner.put(key, source, options));
  }

  locationOf(key: string): string {
    if (!this.capabilities.locateBeforeWrite) throw new CapabilityError(this.name, key, 'locateBeforeWrite', 'locationOf');
    try {
      return this.inner.locationOf!(key);
    } catch (error) {
      throw this.named(error, key);
    }
  }

  get(location: string, options: GetOptions = {}): Promise<GetResult> {
    return this.call('get', location, async () => {
      const result = await this.inner.get(location, options);
      if (!result || typeof result.body?.pipe !== 'function' || !Number.isSafeInteger(result.info?.size)) {
        result?.body?.destroy?.();
        throw new BackendError(this.name, location, 'get() must resolve to { body: Readable, info: { size } }');
      }
      return result;
    });
  }

  openReader(location: string): Promise<ObjectReader> {
    if (!this.capabilities.positionalReads) return Promise.reject(new CapabilityError(this.name, location, 'positionalReads', 'openReader'));
    return this.call('openReader', location, () => this.inner.openReader!(location));
  }

  stat(location: string): Promise<ObjectInfo> {
    return this.call('stat', location, () => this.inner.stat(location));
  }

  delete(location: string): Promise<void> {
    if (!this.capabilities.delete) {
      return Promise.reject(new ReadOnlyBackendError(this.name, location, `store '${this.name}' does not delete objects`));
    }
    return this.call('delete', location, () => this.inner.delete(location));
  }

  /**
   * Deletes the object at `location` if it is there: resolves to true once deleted, false if it
   * was missing already (ObjectNotFoundError); rejects with any other failure, as delete() does.
   */
  async deleteIfPresent(location: string): Promise<boolean> {
    try {
      await this.delete(location);
      return true;
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return false;
      throw error;
    }
  }

  redirectUrl(location: string, options: RedirectOptions): Promise<string> {
    if (!this.capabilities.redirects) return Promise.reject(new CapabilityError(this.name, location, 'redirects', 'redirectUrl'));
    return this.call('redirectUrl', location, () => this.inner.redirectUrl!(location, options));
  }

  /** False, without asking, for a store that does not register locations. */
  ownsLocation(location: string): boolean {
    if (!this.capabilities.registerLocations) return false;
    try {
      return this.inner.ownsLocation!(location) === true;
    } catch {
      return false;
    }
  }

  health(): Promise<BackendHealth> {
    return this.call('health', undefined, () => this.inner.health());
  }

  async cleanup(options: CleanupOptions = {}): Promise<number> {
    if (!this.inner.cleanup) return 0;
    return this.call('cleanup', undefined, () => this.inner.cleanup!(options));
  }

  async close(): Promise<void> {
    if (!this.inner.close) return;
    await this.call('close', undefined, () => this.inner.close!());
  }

  /** The backend's own object, for callers that need its internals (tests, probes). */
  unwrap(): Backend {
    return this.inner;
  }

  private async call<T>(operation: string, subject: string | undefined, run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = await run();
      this.record(operation, subject, started, undefined);
      return result;
    } catch (error) {
      const named = this.named(error, subject);
      this.record(operation, subject, started, named);
      throw named;
    }
  }

  private record(operation: string, subject: string | undefined, started: number, error: VisorError | undefined): void {
    const call: BackendCall = {
      store: this.name,
      operation,
      subject,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      ok: error === undefined,
      ...(error ? { code: error.code } : {}),
    };
    this.logger.debug('backend call', { ...call });
    this.observe?.(call);
  }

  /** A VisorError naming this store (and the key when known); other errors become BackendErrors. */
  private named(error: unknown, subject: string | undefined): VisorError {
    if (error instanceof VisorError) return error;
    return new BackendError(this.name, subject, messageOf(error), { cause: error });
  }
}
