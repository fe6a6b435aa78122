import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

/** The little of `pg` the tests use (the package ships no types of its own). */
interface PgClient {
  connect(): Promise<void>;
  query(sql: string, values?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
  end(): Promise<void>;
}
interface PgModule {
  Client: new (config: { connectionString: string; connectionTimeoutMillis?: number }) => PgClient;
}

const pg = createRequire(import.meta.url)('pg') as PgModule;

/** The server the PostgreSQL tests use: trust auth, user `postgres`, unless VISOR_TEST_PG_URL says otherwise. */
export const PG_SERVER_URL = process.env.VISOR_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  /** A postgres:// URL of the fresh database. */
  url: string;
  /** Drops the database, ending any connection still open to it. */
  drop(): Promise<void>;
}

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.href;
  } catch {
    return url;
  }
}

/** Runs `work` on a connection to the server's maintenance database (the one VISOR_TEST_PG_URL names). */
async function withServer<T>(work: (client: PgClient) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_SERVER_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    const reason = error instanceof Error ? error.message || (error as NodeJS.ErrnoException).code || error.name : String(error);
    throw new Error(
      `PostgreSQL is not reachable at ${withoutPassword(PG_SERVER_URL)} (${reason}). The PostgreSQL tests need a running server ` +
        '(trust auth, user postgres, allowed to create databases); start one, or set VISOR_TEST_PG_URL to one.',
      { cause: error },
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates an empty database `<prefix>_<random>` on the test server. */
export async function createTestDatabase(prefix = 'visor_test'): Promise<TestDatabase> {
  if (!/^[a-z][a-z0-9_]{0,40}$/.test(prefix)) throw new Error(`not a database name prefix: ${prefix}`);
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await withServer((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(PG_SERVER_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.href,
    drop: () =>
      withServer(async (client) => {
        // Works on servers older than PostgreSQL 13 (no DROP DATABASE ... WITH (FORCE)).
        await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
        await client.query(`DROP DATABASE IF EXISTS ${name}`);
      }),
  };
}

/** Whether a database exists on the test server. */
export function databaseExists(name: string): Promise<boolean> {
  return withServer(async (client) => (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rows.length === 1);
}
