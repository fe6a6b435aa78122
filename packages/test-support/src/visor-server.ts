import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { makeTempDir, removeTempDir } from './temp-dir.js';

export interface StartVisorServerOptions {
  /**
   * The server program to run with this Node: `@visor/core`'s built `dist/src/bin/visor.js`.
   * The caller names it, so that this package depends on no package that depends on it.
   */
  program: string;
  /** Written to `<dataDir>/visor.config.json` and named by `VISOR_CONFIG`; none by default. */
  config?: Record<string, unknown>;
  /** The first admin's access key (`VISOR_ADMIN_ACCESS_KEY`); the secret is random. Default `test-admin`. */
  adminAccessKey?: string;
  /** How long to wait for the "listening on" log line, in milliseconds; default 60 000. */
  timeoutMs?: number;
}

export interface RunningVisorServer {
  /** `http://127.0.0.1:<port>`, from the "listening on" log line. */
  url: string;
  /** The fresh data directory (also the server's working directory); removed by `stop()`. */
  dataDir: string;
  /** The first admin's keys (VISOR_ADMIN_ACCESS_KEY / VISOR_ADMIN_SECRET_KEY), for the auth plugin. */
  admin: { accessKey: string; secretKey: string };
  /** Every line the server wrote so far (JSON log lines, on stdout or stderr). */
  logs: string[];
  /** Ends the server at once (SIGKILL), as a crash or a power cut would; resolves once it exited. */
  kill(): Promise<void>;
  /** Ends the server (SIGTERM, SIGKILL after 5 s if it is still running) and removes its data directory. */
  stop(): Promise<void>;
}

/** Resolves once the child exited (at once if it has). */
function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts a real Visor server as a child process (`node <program>`) on a free port of 127.0.0.1,
 * with a fresh data directory under the OS temp directory, SQLite and the default plugins
 * (access control and tracking) unless `config` says otherwise, and the log at level info.
 * Resolves once the server logs "listening on"; rejects with its output when it exits first
 * or does not listen within `timeoutMs` (its data directory is then removed).
 * `VISOR_CONFIG`, `VISOR_DATABASE_URL` and `VISOR_PUBLIC_URL` of the test's environment are not
 * passed on.
 */
export async function startVisorServer(options: StartVisorServerOptions): Promise<RunningVisorServer> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const dataDir = await makeTempDir('visor-server-');
  const admin = { accessKey: options.adminAccessKey ?? 'test-admin', secretKey: randomBytes(32).toString('base64') };
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
  const child = spawn(process.execPath, [options.program], { cwd: dataDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: string[] = [];
  const stop = async () => {
    // No pid: the program never started (spawn's 'error'), so no 'exit' will come either.
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      const done = exited(child);
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await done;
      clearTimeout(timer);
    }
    await removeTempDir(dataDir);
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Visor did not start within ${timeoutMs} ms:\n${logs.join('\n')}`)), timeoutMs);
      const onLine = (line: string) => {
        logs.push(line);
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
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`Visor exited (${code ?? signal}) before listening:\n${logs.join('\n')}`));
      });
    });
    const kill = async () => {
      const done = exited(child);
      child.kill('SIGKILL');
      await done;
    };
    return { url, dataDir, admin, logs, kill, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
