import { runBackendTestSuite } from '@visor/backend-testsuite';
import type { FsBackend } from '../src/index.js';
import { createFsBackend } from './support/create-fs-backend.js';
import { listFiles, totalFileBytes } from './support/fs-probes.js';
import { makeTempDir, removeDir } from './support/temp-dir.js';

runBackendTestSuite<FsBackend>({
  label: 'fs',
  create: async () => createFsBackend({ directory: await makeTempDir() }, { dataDir: '/nonexistent' }),
  destroy: (backend) => removeDir(backend.layout.directory),
  listRaw: (backend) => listFiles(backend.layout.directory),
  storedBytes: (backend) => totalFileBytes(backend.layout.directory),
});
