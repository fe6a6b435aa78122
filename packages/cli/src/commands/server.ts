import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { CliError, EXIT } from '../errors/exit-codes.js';
import { action } from '../run-action.js';

/** Where `visor server` keeps its pid file, log file and state: `~/.visor/server/`. */
function serverDir(): string {
  return join(homedir(), '.visor', 'server');
}
const files = () => ({ pid: join(serverDir(), 'visor-server.pid'), log: join(serverDir(), 'visor-server.log'), state: join(serverDir(), 'state.json') });

interface ServerState {
  pid: number;
  url: string | null;
  config: string | null;
  log: string;
  started_at: string;
}

/** The `visor-server` program of the installed @visor/core. */
function serverProgram(): string {
  return join(dirname(createRequire(import.meta.url).resolve('@visor/core/package.json')), 'dist', 'src', 'bin', 'visor.js');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function running(): Promise<ServerState | undefined> {
  let pid: number;
  try {
    pid = Number((await readFile(files().pid, 'utf8')).trim());
  } catch {
    return undefined;
  }
  if (!Number.isSafeInteger(pid) || pid <= 0 || !alive(pid)) {
    await rm(files().pid, { force: true });
    return undefined;
  }
  const state = await readFile(files().state, 'utf8').then((t) => JSON.parse(t) as ServerState, () => undefined);
  return state?.pid === pid ? state : { pid, url: null, config: null, log: files().log, started_at: '' };
}

/** The URL of the "listening on" JSON log line written after byte `from` of the log, if any. */
async function listeningUrl(log: string, from: number): Promise<string | undefined> {
  const text = (await readFile(log)).subarray(from).toString('utf8');
  for (const line of text.split('\n')) {
    try {
      const entry = JSON.parse(line) as { msg?: unknown; url?: unknown };
      if (typeof entry.msg === 'string' && entry.msg.includes('listening on') && typeof entry.url === 'string') return entry.url;
    } catch {
      // not a JSON log line
    }
  }
  return undefined;
}

async function start(context: CommandContext, flags: { config?: string; foreground?: boolean }): Promise<void> {
  const already = await running();
  if (already) throw new CliError(`visor-server is already running (pid ${already.pid}${already.url ? `, ${already.url}` : ''})`, EXIT.conflict);
  await mkdir(serverDir(), { recursive: true, mode: 0o700 });
  const args = [serverProgram(), ...(flags.config ? ['--config', resolve(flags.config)] : [])];
  const f = files();
  // Loaded here: only `server start` starts a process.
  const { spawn } = await import('node:child_process');
  if (flags.foreground) {
    const child = spawn(process.execPath, args, { stdio: 'inherit' });
    await writeFile(f.pid, `${child.pid}\n`);
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward).on('SIGTERM', forward);
    const code = await new Promise<number>((done) => child.once('exit', (c, s) => done(c ?? (s === 'SIGINT' ? 130 : 1))));
    await rm(f.pid, { force: true });
    process.exitCode = code;
    return;
  }
  const from = await stat(f.log).then((s) => s.size, () => 0);
  const fd = openSync(f.log, 'a', 0o600);
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = String(code ?? signal)));
  const deadline = Date.now() + 30_000;
  let url: string | undefined;
  while (url === undefined) {
    if (exited !== undefined) throw new CliError(`visor-server stopped at start (exit ${exited}); see ${f.log}`, EXIT.failure);
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new CliError(`visor-server did not start within 30 s; see ${f.log}`, EXIT.failure);
    }
    await new Promise((r) => setTimeout(r, 100));
    url = await listeningUrl(f.log, from);
  }
  child.unref();
  const state: ServerState = { pid: child.pid!, url, config: flags.config ? resolve(flags.config) : null, log: f.log, started_at: new Date().toISOString() };
  await writeFile(f.pid, `${child.pid}\n`);
  await writeFile(f.state, `${JSON.stringify(state, null, 2)}\n`);
  context.output.message(`visor-server started (pid ${child.pid}) on ${url}; log: ${f.log}`, { server: { running: true, ...state } });
}

async function stop(context: CommandContext, quietIfStopped = false): Promise<void> {
  const state = await running();
  if (state === undefined) {
    if (quietIfStopped) return;
    throw new CliError('visor-server is not running', EXIT.notFound);
  }
  process.kill(state.pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (alive(state.pid)) {
    if (Date.now() > deadline) throw new CliError(`visor-server (pid ${state.pid}) did not stop within 30 s`, EXIT.failure);
    await new Promise((r) => setTimeout(r, 100));
  }
  await rm(files().pid, { force: true });
  if (!quietIfStopped) context.output.message(`visor-server (pid ${state.pid}) stopped`, { server: { running: false, pid: state.pid } });
}

/** `visor server start|stop|restart|status`: a local visor-server with a pid file and a log file in ~/.visor/server. */
export function registerServerCommands(program: Command): void {
  const server = program.command('server').description('manage a local visor-server (pid and log files in ~/.visor/server)');
  server
    .command('start')
    .description('start visor-server in the background (or --foreground)')
    .option('-c, --config <file>', 'configuration file for the server')
    .option('--foreground', 'run in this terminal until Ctrl-C')
    .action(action((context, flags: { config?: string; foreground?: boolean }) => start(context, flags)));
  server
    .command('stop')
    .description('stop it (SIGTERM: running requests finish first)')
    .action(action((context) => stop(context)));
  server
    .command('restart')
    .description('stop it if running, then start it')
    .option('-c, --config <file>', 'configuration file (default: the one it was started with)')
    .action(
      action(async (context, flags: { config?: string }) => {
        const previous = await running();
        await stop(context, true);
        await start(context, { config: flags.config ?? previous?.config ?? undefined });
      }),
    );
  server
    .command('status')
    .description('is it running, its pid, URL and log file')
    .action(
      action(async (context) => {
        const state = await running();
        if (state === undefined) {
          context.output.message('visor-server is not running', { server: { running: false } });
          process.exitCode = EXIT.notFound;
          return;
        }
        if (context.output.mode === 'json') return context.output.json({ server: { running: true, ...state } });
        context.output.record({ running: 'yes', pid: state.pid, url: state.url, config: state.config ?? '(searched)', log: state.log, started_at: state.started_at });
      }),
    );
}
