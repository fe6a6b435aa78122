import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The server binary of @visor/core, as `visor-server` runs it. */
const SERVER_BIN = join(dirname(createRequire(import.meta.url).resolve('@visor/core/package.json')), 'dist/src/bin/visor.js');

export interface Credentials {
  accessKey: string;
  secretKey: string;
}

/** A Visor server binary running in its own process over loopback, with SQLite and an fs store in a fresh directory. */
export interface VisorProcess {
  url: string;
  port: number;
  dataDir: string;
  /** The fs store's directory (`<dataDir>/images`). */
  storeDir: string;
  /** With access control on: the first admin's keys. */
  admin: Credentials | undefined;
  /** Whether the process is still running. */
  alive(): boolean;
  /** How it ended, once it did. */
  exit(): string | undefined;
  /** Every JSON log record written so far. */
  records(): Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

const ADMIN: Credentials = { accessKey: 'fuzzadmin', secretKey: 'fuzz-admin-secret-0123456789abcdef' };

/** Starts `visor-server` with `plugins` (auth on: ['auth', 'tracking'], off: ['tracking']). */
export async function startVisorProcess(options: { auth: boolean }): Promise<VisorProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'visor-fuzz-'));
  const config = join(dataDir, 'visor.json');
  await writeFile(config, JSON.stringify({ plugins: options.auth ? ['auth', 'tracking'] : ['tracking'], port: 0, host: '127.0.0.1', dataDir }));
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('VISOR_')) env[name] = value;
  if (options.auth) Object.assign(env, { VISOR_ADMIN_ACCESS_KEY: ADMIN.accessKey, VISOR_ADMIN_SECRET_KEY: ADMIN.secretKey });
  const child: ChildProcess = spawn(process.execPath, [SERVER_BIN, '--config', config], { cwd: dataDir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let ended: string | undefined;
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      ended = `exit code ${code}, signal ${signal}`;
      resolve();
    }),
  );
  const records = () =>
    stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const listening = records().find((r) => typeof r.msg === 'string' && r.msg.includes('listening on'));
      if (listening) {
        clearInterval(timer);
        resolve(String(listening.url));
      } else if (ended !== undefined) {
        clearInterval(timer);
        reject(new Error(`visor-server ended (${ended}) before listening:\n${stderr}`));
      }
    }, 20);
  }).catch(async (error: unknown) => {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  return {
    url,
    port: Number(new URL(url).port),
    dataDir,
    storeDir: join(dataDir, 'images'),
    admin: options.auth ? ADMIN : undefined,
    alive: () => ended === undefined,
    exit: () => ended,
    records,
    async stop() {
      if (ended === undefined) {
        child.kill('SIGTERM');
        const forced = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(forced);
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
