import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeTempDir, removeTempDir } from '@visor/test-support';

const run = promisify(execFile);

/** Is tmux installed? (Debian package `tmux`.) */
export function hasTmux(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * One tmux server on its own socket (`-S`, in a temp directory of its own, so that tmux makes
 * no `tmux-<uid>` directory under /tmp; no user configuration) with one session: a real
 * terminal to drive a program with `send-keys` and read with `capture-pane`.
 */
export class TmuxSession {
  private dir: string | undefined;

  private tmux(...args: string[]) {
    if (this.dir === undefined) throw new Error('the tmux session is not started');
    return run('tmux', ['-S', join(this.dir, 'socket'), '-f', '/dev/null', ...args]);
  }

  /** Starts `command` (a shell command line) in a `columns`×`rows` terminal with `env`. */
  async start(command: string, options: { columns: number; rows: number; env: Record<string, string>; cwd: string }): Promise<void> {
    this.dir = await makeTempDir('visor-tmux-');
    const env = Object.entries(options.env).map(([k, v]) => `${k}=${v}`);
    // A person's terminal, not a CI job: under CI=true (as .ci/run sets it) Ink draws only the last
    // frame, and the session would show nothing until the program exits.
    await this.tmux('new-session', '-d', '-s', 'main', '-x', String(options.columns), '-y', String(options.rows), '-c', options.cwd, 'env', '-u', 'CI', '-u', 'CONTINUOUS_INTEGRATION', ...env, 'sh', '-c', command);
  }

  /** Types text literally (`send-keys -l`). */
  async type(text: string): Promise<void> {
    await this.tmux('send-keys', '-t', 'main', '-l', text);
  }

  /** Presses named keys (`Enter`, `Tab`, `Escape`, `BSpace`, …), `count` times each. */
  async press(key: string, count = 1): Promise<void> {
    await this.tmux('send-keys', '-t', 'main', '-N', String(count), key);
  }

  async screen(): Promise<string> {
    return (await this.tmux('capture-pane', '-p', '-t', 'main')).stdout;
  }

  async resize(columns: number, rows: number): Promise<void> {
    await this.tmux('resize-window', '-t', 'main', '-x', String(columns), '-y', String(rows));
  }

  /** Waits until the screen matches; throws with the screen after `timeoutMs` (generous: the machine may be loaded). */
  async waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
    return this.waitUntil((screen) => pattern.test(screen), String(pattern), timeoutMs);
  }

  /** Waits until `check(screen)` holds (for what a pattern cannot say, such as what the screen must no longer show). */
  async waitUntil(check: (screen: string) => boolean, what: string, timeoutMs = 60_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    let screen = '';
    while (Date.now() < end) {
      screen = await this.screen().catch(() => screen);
      if (check(screen)) return screen;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the terminal never showed ${what}; it shows:\n${screen}`);
  }

  /** Waits until the UI has left the screen and the shell's prompt (`prompt$`) is the last line. */
  async waitForShell(timeoutMs = 60_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    let screen = '';
    while (Date.now() < end) {
      screen = await this.screen().catch(() => screen);
      const lines = screen.split('\n').filter((l) => l.trim() !== '');
      if (!screen.includes('? help') && /prompt\$\s*$/.test(lines.at(-1) ?? '')) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the shell prompt never came back; the terminal shows:\n${screen}`);
  }

  /** Ends the tmux server and removes its directory (with the socket file, which tmux leaves behind). */
  async stop(): Promise<void> {
    if (this.dir === undefined) return;
    await this.tmux('kill-server').catch(() => undefined);
    await removeTempDir(this.dir);
    this.dir = undefined;
  }
}
