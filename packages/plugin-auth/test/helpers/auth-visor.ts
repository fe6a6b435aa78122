import { createLogger, createVisor, type Visor } from '@visor/core';
import { makeTempDir, removeTempDir } from '@visor/test-support';
import authPlugin from '../../src/index.js';
import { as, type AsClient, type Credentials } from './signed.js';

/** The admin every test server bootstraps from its environment. */
export const ROOT: Credentials = { accessKey: 'root', secret: 'cm9vdC1zZWNyZXQtZm9yLXRlc3RzLW9ubHktMDAwMDAwMDA=' };

export interface AuthVisor {
  visor: Visor;
  url: string;
  dataDir: string;
  /** Every log line written so far. */
  logs: string[];
  root: AsClient;
  close(): Promise<void>;
  /** Creates a user through POST /users and returns a client signing as them. */
  user(accessKey: string, role?: 'admin' | 'user'): Promise<AsClient>;
  anonymous: AsClient;
}

export interface StartOptions {
  anonymousRead?: boolean;
  /** The environment the plugin reads; defaults to ROOT's bootstrap variables. */
  env?: Record<string, string | undefined>;
  dataDir?: string;
  /** A database setting (e.g. `{ client: 'pg', connection: url }`); SQLite in the data directory by default. */
  database?: unknown;
  /** Further plugins, after auth. */
  plugins?: unknown[];
  /** The configuration's publicUrl (none by default). */
  publicUrl?: string;
  /** The port to listen on; a free one by default. */
  port?: number;
  /** Further options of the auth plugin (e.g. `keyCacheMs`). */
  authOptions?: Record<string, unknown>;
}

/** A fresh data directory; the caller removes it (`removeTempDir`), or the test process's exit does. */
export async function makeDataDir(): Promise<string> {
  return makeTempDir('visor-auth-test-');
}

/** A real Visor with the auth plugin over loopback, SQLite and an fs store in a fresh directory. */
export async function startAuthVisor(options: StartOptions = {}): Promise<AuthVisor> {
  const dataDir = options.dataDir ?? (await makeDataDir());
  const logs: string[] = [];
  const logger = createLogger('debug', { write: (chunk: string) => logs.push(chunk) });
  const env = options.env ?? { VISOR_ADMIN_ACCESS_KEY: ROOT.accessKey, VISOR_ADMIN_SECRET_KEY: ROOT.secret };
  const pluginOptions = { env, ...(options.anonymousRead === undefined ? {} : { anonymousRead: options.anonymousRead }), ...options.authOptions };
  const visor = await createVisor(
    {
      dataDir,
      port: options.port ?? 0,
      ...(options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }),
      plugins: [{ name: authPlugin, options: pluginOptions }, ...(options.plugins ?? [])],
      ...(options.database === undefined ? {} : { database: options.database }),
    },
    { logger },
  );
  const { url } = await visor.listen();
  const root = as(url, ROOT);
  return {
    visor,
    url,
    dataDir,
    logs,
    root,
    anonymous: as(url, null),
    async user(accessKey, role = 'user') {
      const res = await root.post('/users', { user: { access_key: accessKey, email: `${accessKey}@example.org`, role } });
      if (res.status !== 201) throw new Error(`creating user ${accessKey}: ${res.status} ${res.text}`);
      return as(url, { accessKey, secret: res.json().user.secret_key as string });
    },
    async close() {
      await visor.close();
      if (options.dataDir === undefined) await removeTempDir(dataDir);
    },
  };
}

/** Registers an image as `client` and uploads a small file to it; returns its id. */
export async function imageOf(client: AsClient, access: 'public' | 'private', name = `${access} image`): Promise<string> {
  const res = await client.post('/images', { image: { name, architecture: 'x86_64', access } });
  if (res.status !== 201) throw new Error(`registering: ${res.status} ${res.text}`);
  const id = res.json().image.id as string;
  const up = await client.upload(`/images/${id}`, Buffer.from(`bytes of ${name}`));
  if (up.status !== 200) throw new Error(`uploading: ${up.status} ${up.text}`);
  return id;
}
