import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

/** The built visor-server of @visor/core, run as its own process. */
export const SERVER_PROGRAM = join(dirname(createRequire(import.meta.url).resolve('@visor/core/package.json')), 'dist', 'src', 'bin', 'visor.js');

export interface RunningVisor {
  url: string;
  dataDir: string;
  /** The first admin's keys (VISOR_ADMIN_ACCESS_KEY / VISOR_ADMIN_SECRET_KEY). */
  admin: { accessKey: string; secretKey: string };
  stop(): Promise<void>;
}

/**
 * Starts a real Visor server (SQLite, fs store, auth and tracking unless `config` says otherwise)
 * on a free loopback port with a fresh data directory; resolves with its URL once it logs "listening on".
 */
export async function startVisor(options: { config?: Record<string, unknown>; timeoutMs?: number } = {}): Promise<RunningVisor> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const dataDir = await mkdtemp(join(tmpdir(), 'visor-cli-test-'));
  const admin = { accessKey: 'cli-admin', secretKey: randomBytes(32).toString('base64') };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    VISOR_PORT: '0',
    VISOR_HOST: '127.0.0.1',
    VISOR_DATA_DIR: dataDir,
    VISOR_LOG_LEVEL: 'info',
    VISOR_ADMIN_ACCESS_KEY: admin.accessKey,
    VISOR_ADMIN_SECRET_KEY: admin.secretKey,
  };
  for (const name of ['VISOR_CONFIG', 'VISOR_DATABASE_URL', 'VISOR_PUBLIC_URL']) delete env[name];
  if (options.config !== undefined) {
    env.VISOR_CONFIG = join(dataDir, 'visor.config.json');
    await writeFile(env.VISOR_CONFIG, JSON.stringify(options.config));
  }
  const child = spawn(process.execPath, [SERVER_PROGRAM], { cwd: dataDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Visor did not start within ${timeoutMs} ms:\n${output.join('\n')}`)), timeoutMs);
      const onLine = (line: string) => {
        output.push(line);
        try {
          const entry = JSON.parse(line) as { msg?: unknown; url?: unknown };
          if (typeof entry.msg === 'string' && entry.msg.includes('listening on') && typeof entry.url === 'string') {
            clearTimeout(timer);
            resolve(entry.url);
          }
        } catch {
          // not a JSON log line
        }
      };
      createInterface({ input: child.stderr! }).on('line', onLine);
      createInterface({ input: child.stdout! }).on('line', onLine);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`Visor exited (${code ?? signal}) before listening:\n${output.join('\n')}`));
      });
    });
    return { url, dataDir, admin, stop: () => stop(child, dataDir) };
  } catch (error) {
    await stop(child, dataDir);
    throw error;
  }
}

async function stop(child: ChildProcess, dataDir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
  await rm(dataDir, { recursive: true, force: true });
}
