import { ServiceUnavailableError } from '@visor/plugin-api';
import knexModule from 'knex';

// knex is CommonJS; its named exports are not visible to ESM.
const { KnexTimeoutError } = knexModule as unknown as { KnexTimeoutError: new (...args: unknown[]) => Error };

/** How long a client is asked to wait before trying again, in seconds (`Retry-After`). */
export const DATABASE_BUSY_RETRY_AFTER_SECONDS = 5;

/**
 * Whether `error` is knex's report that no pooled connection became free
 * within its acquire timeout ("Knex: Timeout acquiring a connection"), as
 * opposed to a query's own timeout, which knex reports with the same class.
 * Never throws.
 */
export function isAcquireTimeout(error: unknown): boolean {
  try {
    return error instanceof KnexTimeoutError && error.message.startsWith('Knex: Timeout acquiring a connection');
  } catch {
    // Anything may be thrown, even a revoked Proxy, on which `instanceof` itself throws: not knex's error.
    return false;
  }
}

/**
 * The error a request gets when it waited `acquireTimeoutSeconds` for a
 * connection to the metadata database in vain (every one busy: SQLite has
 * one): ServiceUnavailableError (503, `Retry-After`), knex's error kept as
 * the cause.
 */
export function databaseBusyError(cause: unknown, acquireTimeoutSeconds: number): ServiceUnavailableError {
  return new ServiceUnavailableError(
    `the metadata database is busy: no connection to it became free within ${acquireTimeoutSeconds} s ` +
      `(database.acquireTimeoutSeconds); try again in ${DATABASE_BUSY_RETRY_AFTER_SECONDS} s`,
    DATABASE_BUSY_RETRY_AFTER_SECONDS,
    { cause },
  );
}
