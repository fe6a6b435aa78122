export { PG_SERVER_URL, createTestDatabase, databaseExists, type TestDatabase } from './postgres.js';
export { get, request, type HttpOptions, type HttpResponse } from './http.js';
