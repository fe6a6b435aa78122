import { runBackendTestSuite } from '../src/index.js';
import { MemoryBackend } from './support/memory-backend.js';
import { memorySuiteOptions } from './support/memory-suite-options.js';

// A correct backend passes every check: the suite demands nothing impossible.
runBackendTestSuite(memorySuiteOptions('memory (reference)', () => new MemoryBackend('mem')));
