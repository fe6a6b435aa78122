import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built CLI entry: dist/src/bin/visor.js (this file is dist/test/helpers/cli-process.js). */
export const CLI_PATH = fileURLToPath(new URL('../../src/bin/visor.js', import.meta.url));

export interface CliRun {
  child: ChildProcess;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stderr JSON record whose `msg` matches, rejects if the process exits first. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The parent's environment without any VISOR_* variable, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('VISOR_')) env[name] = value;
  return { ...env, ...extra };
}

/** Starts `node visor.js ...args` in `cwd`. */
export function runCli(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): CliRun {
  const child = spawn(process.execPath, [CLI_PATH, ...args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  const waitForLog = (pattern: RegExp, timeoutMs = 15_000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const find = () => {
        for (const line of err.split('\n')) {
          if (!line.startsWith('{')) continue;
          try {
            const record = JSON.parse(line) as Record<string, unknown>;
            if (typeof record.msg === 'string' && pattern.test(record.msg)) return record;
          } catch {
            // an incomplete line: wait for the rest
          }
        }
        return undefined;
      };
      const timer = setTimeout(() => finish(new Error(`no log line matching ${pattern} within ${timeoutMs} ms; stderr:\n${err}`)), timeoutMs);
      const onData = () => {
        const record = find();
        if (record) finish(undefined, record);
      };
      const onExit = () => finish(new Error(`the CLI exited before logging ${pattern}; stderr:\n${err}`));
      function finish(error?: Error, record?: Record<string, unknown>) {
        clearTimeout(timer);
        child.stderr!.off('data', onData);
        child.off('close', onExit);
        if (error) reject(error);
        else resolve(record!);
      }
      child.stderr!.on('data', onData);
      child.once('close', onExit);
      onData();
    });
  return { child, stdout: () => out, stderr: () => err, waitForLog, exited };
}
