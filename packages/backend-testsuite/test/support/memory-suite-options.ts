import type { BackendTestSuiteOptions } from '../../src/index.js';
import type { MemoryBackend } from './memory-backend.js';

/** Suite options for a MemoryBackend (or a broken variant) made by `create`. */
export function memorySuiteOptions<B extends MemoryBackend>(label: string, create: () => B): BackendTestSuiteOptions<B> {
  return {
    label,
    create: async () => create(),
    listRaw: async (backend) => backend.listRaw(),
    storedBytes: async (backend) => backend.storedBytes(),
  };
}
