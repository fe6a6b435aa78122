import { READ_ONLY_SOURCE, ReadOnlyBackendError, type BackendCapabilities, type PutResult } from '@visor/plugin-api';
import { MemoryBackend } from './memory-backend.js';

/** A read-only source over memory: objects appear only through `seed`, as files a web server serves would. */
export class ReadOnlyMemoryBackend extends MemoryBackend {
  override readonly capabilities: BackendCapabilities = { ...READ_ONLY_SOURCE };

  override async put(key: string): Promise<PutResult> {
    throw new ReadOnlyBackendError(this.name, key);
  }

  override async delete(location: string): Promise<void> {
    throw new ReadOnlyBackendError(this.name, location);
  }

  /** What the test places behind the backend's back. */
  seed(key: string, data: Buffer): PutResult {
    this.checkKey(key);
    this.commit(key, data);
    return { location: this.locationOf(key), size: data.length };
  }
}
