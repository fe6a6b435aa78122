export { PG_SERVER_URL, createTestDatabase, databaseExists, type TestDatabase } from './postgres.js';
