export { runBackendTestSuite } from './run-backend-test-suite.js';
export type { BackendTestSuiteOptions } from './options.js';
export { readAll, sha256, randomData } from './bytes.js';
export { assertRejectsWith, type ErrorSubject } from './expect-error.js';
export { chunkedSource } from './sources/chunked-source.js';
export { failingSource } from './sources/failing-source.js';
export { LazyRandomSource, type LazyRandomSourceOptions } from './sources/lazy-random-source.js';
export { verifyPlugin, type VerifiedPlugin, type VerifyPluginOptions } from './verify-plugin.js';
