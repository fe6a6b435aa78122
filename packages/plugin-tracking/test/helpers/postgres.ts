import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

interface PgClient {
  connect(): Promise<void>;
  query(sql: string, values?: unknown[]): Promise<unknown>;
  end(): Promise<void>;
}

const pg = createRequire(import.meta.url)('pg') as { Client: new (config: { connectionString: string; connectionTimeoutMillis?: number }) => PgClient };

/** The test server: trust auth, user postgres, unless VISOR_TEST_PG_URL says otherwise. */
export const PG_SERVER_URL = process.env.VISOR_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

async function onServer(work: (client: PgClient) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: PG_SERVER_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates a fresh, empty database; `drop()` removes it, ending connections still open to it. */
export async function createTestDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `visor_tracking_test_${randomBytes(6).toString('hex')}`;
  await onServer((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(PG_SERVER_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.href,
    drop: () =>
      onServer(async (client) => {
        await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
        await client.query(`DROP DATABASE IF EXISTS ${name}`);
      }),
  };
}
