import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { freePort, waitForPort } from './free-port.js';
import { makeTempDirSync, removeTempDirSync } from './temp-dir.js';

/** What the `http { }` block builder of `startNginx` is given. */
export interface NginxLayout {
  /** The allocated ports on 127.0.0.1, as many as `ports` asked for. */
  ports: number[];
  /** The instance's own directory (absolute): its files, logs and temp paths live here, and go on stop(). */
  dir: string;
}

export interface StartNginxOptions {
  /** How many free ports on 127.0.0.1 to allocate for the `listen` directives (default 1). */
  ports?: number;
  /**
   * The contents of the `http { }` block (server blocks and any http-level
   * directives), built from the allocated ports and the directory. The block
   * already sets temp paths under `dir`, `access_log off` and
   * `default_type application/octet-stream`.
   */
  http(layout: NginxLayout): string;
  /** Files written under `dir` before nginx starts, by relative path (folders are made). */
  files?: Record<string, string | Buffer>;
  /** How long to wait for every port to accept connections (milliseconds, default 10 000). */
  startTimeoutMs?: number;
}

/** A running nginx started by `startNginx`. */
export interface RunningNginx extends NginxLayout {
  /** `http://127.0.0.1:<ports[index]><path>` (or https when `scheme` says so). */
  url(path: string, index?: number, scheme?: 'http' | 'https'): string;
  /** The error log so far (nginx writes startup problems and request errors there). */
  errorLog(): string;
  /** Stops nginx (SIGTERM, then SIGKILL after 5 s) and removes `dir`. Safe to call twice. */
  stop(): Promise<void>;
}

/** The nginx binary: VISOR_TEST_NGINX, else Debian's /usr/sbin/nginx. */
export function nginxBinary(): string {
  const binary = process.env.VISOR_TEST_NGINX || '/usr/sbin/nginx';
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    throw new Error(
      `nginx is not installed at ${binary}. The tests that serve files over real HTTP need it: ` +
        '`apt-get install nginx` (Debian; .ci/run does this), or set VISOR_TEST_NGINX to an nginx binary.',
    );
  }
  return binary;
}

function mainConfig(dir: string, http: string): string {
  // master_process off: one process, our child, that never changes user (so it reads files under a 0700 temp dir).
  return `daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 256; }
http {
  access_log off;
  default_type application/octet-stream;
  client_body_temp_path ${dir}/tmp/client_body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
${http}
}
`;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function startOnce(binary: string, options: StartNginxOptions): Promise<RunningNginx> {
  const dir = makeTempDirSync('visor-nginx-');
  mkdirSync(join(dir, 'tmp'));
  for (const [path, contents] of Object.entries(options.files ?? {})) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), contents);
  }
  const ports = await Promise.all(Array.from({ length: options.ports ?? 1 }, () => freePort()));
  const layout: NginxLayout = { ports, dir };
  const configFile = join(dir, 'nginx.conf');
  writeFileSync(configFile, mainConfig(dir, options.http(layout)));
  // -e: the startup error log, before the config's error_log applies (the default one may not be writable).
  const child = spawn(binary, ['-p', dir, '-e', join(dir, 'error.log'), '-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.on('exit', () => running.delete(child));
  child.on('error', (error) => (stderr += `${error.message}\n`));
  const errorLog = () => {
    try {
      return readFileSync(join(dir, 'error.log'), 'utf8');
    } catch {
      return '';
    }
  };
  let stopped = false;
  const stop = async () => {
    if (!stopped) {
      stopped = true;
      const done = exited(child);
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await done;
      clearTimeout(timer);
      removeTempDirSync(dir);
    }
  };
  try {
    for (const port of ports) {
      await waitForPort(port, options.startTimeoutMs ?? 10_000, () => child.exitCode === null && child.signalCode === null);
    }
  } catch (error) {
    const log = `${stderr}${errorLog()}`.trim();
    await stop();
    throw new Error(`nginx did not start: ${(error as Error).message}\n${log}`);
  }
  return {
    ...layout,
    url: (path, index = 0, scheme = 'http') => `${scheme}://127.0.0.1:${ports[index]}${path}`,
    errorLog,
    stop,
  };
}

/**
 * Starts Debian's nginx as a child process (not a daemon) with a generated
 * configuration under a fresh temp directory, listening on free ports of
 * 127.0.0.1, and resolves once every port accepts connections. Retries with
 * new ports when one was taken meanwhile. Stop it with `stop()`; an nginx
 * still running when the test process exits is killed.
 *
 * Throws when nginx is not installed (tests needing it fail, saying so) or
 * does not start (the message carries nginx's error log).
 */
export async function startNginx(options: StartNginxOptions): Promise<RunningNginx> {
  const binary = nginxBinary();
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(binary, options);
    } catch (error) {
      if (attempt >= 3 || !/Address already in use/.test((error as Error).message)) throw error;
    }
  }
}
