import { spawn } from 'node:child_process';

/** The built `visor` program. */
export const VISOR = new URL('../../src/bin/visor.js', import.meta.url).pathname;

export interface VisorRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `visor ARGS…` as its own process (no terminal: standard input is a pipe fed `input`),
 * with `HOME` set to `home` and no VISOR_* variables but those in `env`.
 */
export function runVisor(args: readonly string[], options: { home: string; env?: Record<string, string>; input?: string; cwd?: string }): Promise<VisorRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: options.home };
  for (const name of Object.keys(env)) if (name.startsWith('VISOR_')) delete env[name];
  Object.assign(env, options.env);
  const child = spawn(process.execPath, [VISOR, ...args], { env, cwd: options.cwd ?? options.home, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.end(options.input ?? '');
  return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}
