import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import knexModule, { type Knex } from 'knex';

// knex is CommonJS; its named export is not visible to ESM.
const knex = knexModule as unknown as typeof knexModule.knex;

/** Structurally the config's `database` section (`acquireTimeoutSeconds`: see connectDatabase). */
export type DatabaseOptions =
  | { client: 'sqlite3'; filename: string; acquireTimeoutSeconds: number }
  | { client: 'pg'; connection: string | Record<string, unknown>; pool: { min: number; max: number }; acquireTimeoutSeconds: number };

type SqliteConnection = { run(sql: string, callback: (error: Error | null) => void): void };

function runPragmas(connection: SqliteConnection, pragmas: string[], done: (error: Error | null, connection: unknown) => void): void {
  const [first, ...rest] = pragmas;
  if (first === undefined) {
    done(null, connection);
    return;
  }
  connection.run(first, (error) => (error ? done(error, connection) : runPragmas(connection, rest, done)));
}

/**
 * Opens a knex instance for the configured database (creating the SQLite
 * file's directory). A query waits at most `acquireTimeoutSeconds` for a
 * connection of the pool (knex's `acquireConnectionTimeout`, 60 s unless
 * set); past it, it rejects with knex's KnexTimeoutError, which the HTTP
 * layer answers 503 with Retry-After (metadata/database-busy.ts).
 */
export async function connectDatabase(config: DatabaseOptions): Promise<Knex> {
  const acquireConnectionTimeout = Math.round(config.acquireTimeoutSeconds * 1000);
  if (config.client === 'sqlite3') {
    await mkdir(dirname(config.filename), { recursive: true });
    return knex({
      client: 'sqlite3',
      connection: { filename: config.filename },
      useNullAsDefault: true,
      acquireConnectionTimeout,
      // SQLite allows one writer; one connection avoids SQLITE_BUSY between our own queries.
      pool: {
        min: 1,
        max: 1,
        afterCreate: (connection: SqliteConnection, done: (error: Error | null, connection: unknown) => void) =>
          runPragmas(
            connection,
            // WAL + NORMAL: commits do not fsync the database on every write, yet survive a process crash.
            ['PRAGMA journal_mode = WAL', 'PRAGMA synchronous = NORMAL', 'PRAGMA foreign_keys = ON', 'PRAGMA busy_timeout = 5000'],
            done,
          ),
      },
    });
  }
  return knex({ client: 'pg', connection: config.connection, pool: config.pool, acquireConnectionTimeout });
}
