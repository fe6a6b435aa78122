import { runBackendTestSuite } from '../src/index.js';
import { ReadOnlyMemoryBackend } from './support/read-only-memory-backend.js';

// A read-only source gets the read cases (objects placed through `seed`); the write cases are
// reported as skipped, naming the capability it does not declare.
runBackendTestSuite<ReadOnlyMemoryBackend>({
  label: 'memory (read-only reference)',
  create: async () => new ReadOnlyMemoryBackend('ro'),
  listRaw: async (backend) => backend.listRaw(),
  seed: async (backend, key, data) => backend.seed(key, data),
});
