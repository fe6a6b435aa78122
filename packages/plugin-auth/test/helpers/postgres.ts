import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

/** The little of `pg` (a dependency of @visor/core) the tests use. */
interface PgClient {
  connect(): Promise<void>;
  query(sql: string, values?: unknown[]): Promise<unknown>;
  end(): Promise<void>;
}
const pg = createRequire(import.meta.url)('pg') as { Client: new (config: { connectionString: string; connectionTimeoutMillis?: number }) => PgClient };

/** The server the PostgreSQL tests use, as in @visor/core's tests. */
export const PG_SERVER_URL = process.env.VISOR_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

async function withServer<T>(work: (client: PgClient) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_SERVER_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A fresh database `visor_auth_test_<random>`; `drop()` removes it. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `visor_auth_test_${randomBytes(6).toString('hex')}`;
  await withServer((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(PG_SERVER_URL);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    drop: () =>
      withServer(async (client) => {
        await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
        await client.query(`DROP DATABASE IF EXISTS ${name}`);
      }),
  };
}
