import { runBackendTestSuite } from '@visor/backend-testsuite';
import type { HdfsBackend } from '../src/index.js';
import { DIRECTORY, emulatedStore, emulatorOf, storeFiles } from './support/emulated-hdfs.js';

runBackendTestSuite<HdfsBackend>({
  label: 'hdfs (emulated WebHDFS)',
  create: async () => (await emulatedStore()).backend,
  destroy: (backend) => emulatorOf(backend).close(),
  listRaw: async (backend) => storeFiles(emulatorOf(backend)),
  storedBytes: async (backend) => emulatorOf(backend).namespace.filesUnder(DIRECTORY).reduce((sum, file) => sum + file.node.length, 0),
  // Loopback TCP buffers between Visor and the datanode hold a few MiB in flight.
  backpressureLimit: 16 * 1024 * 1024,
  foreignLocation: 'hdfs://elsewhere.example:9870/visor/images/c0ffee00-1111-4222-8333-444455556666',
});
