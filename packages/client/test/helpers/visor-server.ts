import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** The built Visor server (packages/core), started as a separate process. */
const SERVER = new URL('../../../../core/dist/src/bin/visor.js', import.meta.url).pathname;

export interface RunningVisor {
  url: string;
  dataDir: string;
  /** The admin keys the server is started with (VISOR_ADMIN_ACCESS_KEY / VISOR_ADMIN_SECRET_KEY), for an auth plugin. */
  admin: { accessKey: string; secretKey: string };
  /** The server's log lines (JSON) so far. */
  logs: string[];
  /** Ends the server at once (SIGKILL), as a crash or a power cut would; resolves once it exited. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts `node packages/core/dist/src/bin/visor.js` on a free port with a fresh data directory
 * (and `config` as its configuration file, if given) and resolves with the URL from its
 * "listening on" JSON log line.
 */
export async function startVisor(options: { config?: Record<string, unknown>; timeoutMs?: number } = {}): Promise<RunningVisor> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const dataDir = await mkdtemp(join(tmpdir(), 'visor-client-test-'));
  const admin = { accessKey: 'client-test-admin', secretKey: randomBytes(32).toString('base64') };
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
  const child = spawn(process.execPath, [SERVER], { cwd: dataDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
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
    const kill = async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    };
    return { url, dataDir, admin, logs: output, kill, stop: () => stop(child, dataDir) };
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
