export { PG_SERVER_URL, createTestDatabase, databaseExists, type TestDatabase } from './postgres.js';
export { get, request, type HttpOptions, type HttpResponse } from './http.js';
export { freePort, waitForPort } from './free-port.js';
export { nginxBinary, startNginx, type NginxLayout, type RunningNginx, type StartNginxOptions } from './nginx.js';
export { createTestCa, type TestCa } from './test-ca.js';
export { startStallingServer, type StallingServer } from './stalling-server.js';
export { makeTempDir, makeTempDirSync, removeTempDir, removeTempDirSync, testTempDir, type TestWithAfter } from './temp-dir.js';
export { startVisorServer, type RunningVisorServer, type StartVisorServerOptions } from './visor-server.js';
