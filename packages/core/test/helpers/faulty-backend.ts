import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  BackendError,
  BackendUnavailableError,
  WRITABLE_STORE,
  type Backend,
  type BackendContext,
  type BackendPlugin,
  type ObjectReader,
} from '../../src/index.js';

// Loaded at run time, as Visor loads it: core's build cannot reference @visor/backend-fs (whose
// tests build against core through @visor/backend-testsuite), so no static import.
const FS_BACKEND: string = '@visor/backend-fs';

/** Switches for the failures a FaultyBackend injects; change them while Visor runs. */
export interface Faults {
  /** When set, every put fails as a broken disk would (EIO), after this many bytes reached the store. */
  failPutAfterBytes: number | null;
  /** When set, every put fails as a full disk would (ENOSPC), after this many bytes reached the store. */
  fillDiskAfterBytes: number | null;
  /** When true, every put fails at once, reading nothing, as a store that cannot be reached. */
  putUnavailable: boolean;
  /** When true, every delete fails (the file stays). */
  failDelete: boolean;
  /** When set, reads (positional, or the stream `get` returns) fail as a broken disk would (EIO) once this many bytes were read. */
  failReadAfterBytes: number | null;
}

export const noFaults = (): Faults => ({
  failPutAfterBytes: null,
  fillDiskAfterBytes: null,
  putUnavailable: false,
  failDelete: false,
  failReadAfterBytes: null,
});

function ioError(syscall: 'read' | 'write'): NodeJS.ErrnoException {
  return Object.assign(new Error(`EIO: i/o error, ${syscall}`), { code: 'EIO', errno: -5, syscall });
}

/** The error a failed write(2) raises: what the fs backend sees when the disk fills up. */
function diskFull(): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
}

/** Lets `limit` bytes through, then fails. */
class FailAfter extends Transform {
  private passed = 0;
  constructor(
    private readonly limit: number,
    private readonly failure: () => Error,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const room = this.limit - this.passed;
    if (chunk.length <= room) {
      this.passed += chunk.length;
      callback(null, chunk);
      return;
    }
    if (room > 0) this.push(chunk.subarray(0, room));
    this.passed = this.limit;
    callback(this.failure());
  }
}

/**
 * A backend plugin wrapping the real fs backend and injecting failures; it
 * offers `openReader` only when `positionalReads` is set, so downloads take
 * the stream path by default. A
 * failing put streams the source through `pipeline` (as backends that feed a
 * writer do) into the fs backend, and breaks after some bytes: the fs backend
 * has a partial temporary file to clean up and reports a write failure.
 */
export function faultyBackendPlugin(faults: Faults, { positionalReads = false } = {}): BackendPlugin {
  return {
    kind: 'backend',
    type: 'faulty-fs',
    async create(options: Record<string, unknown>, context: BackendContext): Promise<Backend> {
      const { fsBackendPlugin } = (await import(FS_BACKEND)) as { fsBackendPlugin: BackendPlugin };
      const real = await fsBackendPlugin.create(options, context);
      const openReader = async (location: string): Promise<ObjectReader> => {
        const reader = await real.openReader!(location);
        let served = 0;
        return {
          size: reader.size,
          async read(buffer, length, position) {
            if (faults.failReadAfterBytes !== null && served >= faults.failReadAfterBytes) {
              throw new BackendError(real.name, location.slice(location.lastIndexOf('/') + 1), 'read failed (EIO)', { cause: ioError('read') });
            }
            const count = await reader.read(buffer, length, position);
            served += count;
            return count;
          },
          close: () => reader.close(),
        };
      };
      return {
        ...(positionalReads ? { openReader } : {}),
        name: real.name,
        type: 'faulty-fs',
        capabilities: { ...WRITABLE_STORE, positionalReads },
        async put(key, source: Readable, putOptions) {
          if (faults.putUnavailable) throw new BackendUnavailableError(real.name, key, 'connection refused');
          const [limit, failure] =
            faults.fillDiskAfterBytes !== null ? [faults.fillDiskAfterBytes, diskFull] : [faults.failPutAfterBytes, () => ioError('write')];
          if (limit === null) return real.put(key, source, putOptions);
          const faulty = new FailAfter(limit, failure);
          pipeline(source, faulty).catch(() => undefined);
          return real.put(key, faulty, putOptions);
        },
        async get(location, getOptions) {
          const result = await real.get(location, getOptions);
          const limit = faults.failReadAfterBytes;
          if (limit === null) return result;
          const key = location.slice(location.lastIndexOf('/') + 1);
          const faulty = new FailAfter(limit, () => new BackendError(real.name, key, 'read failed (EIO)', { cause: ioError('read') }));
          pipeline(result.body, faulty).catch(() => undefined);
          return { ...result, body: faulty };
        },
        stat: (location) => real.stat(location),
        async delete(location) {
          if (faults.failDelete) {
            const key = location.slice(location.lastIndexOf('/') + 1);
            throw new BackendError(real.name, key, 'unlink failed (EACCES)');
          }
          await real.delete(location);
        },
        health: () => real.health(),
        cleanup: () => real.cleanup?.() ?? Promise.resolve(0),
      };
    },
  };
}
