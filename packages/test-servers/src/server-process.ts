import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/**
 * Python one-liner that asks the kernel to send SIGTERM to the process when
 * its parent (this Node process) dies, then becomes the real server:
 * prctl(PR_SET_PDEATHSIG) survives exec. A test run that crashes or is
 * killed therefore never leaves a server behind.
 */
const DIE_WITH_PARENT = 'import ctypes, os, signal, sys; ctypes.CDLL(None).prctl(1, signal.SIGTERM); os.execvp(sys.argv[1], sys.argv[1:])';

/** A server process started by the harness, with its output kept for error messages. */
export class ServerProcess {
  private output = '';
  private exited: string | undefined;
  private readonly exit: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exit = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exited = `${name} exited (${signal ?? code})`;
        resolve();
      });
      child.once('error', (error) => {
        this.exited = `${name} could not start: ${error.message}`;
        resolve();
      });
    });
  }

  /** Starts `command args`; it gets SIGTERM when this process dies. */
  static start(name: string, command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): ServerProcess {
    const child = spawn('/usr/bin/python3', ['-c', DIE_WITH_PARENT, command, ...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ServerProcess(name, child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Why the process is gone (with its last output), or undefined while it runs. */
  failure(): string | undefined {
    if (this.exited === undefined) return undefined;
    return this.output.trim() === '' ? this.exited : `${this.exited}:\n${this.output.trim()}`;
  }

  /** What the process printed (the last 20 000 characters). */
  printed(): string {
    return this.output;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.exited !== undefined) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exit;
    clearTimeout(timer);
  }

  /** Suspends (SIGSTOP) or resumes (SIGCONT) the process, to make a server unresponsive without closing its port. */
  pause(paused: boolean): void {
    this.child.kill(paused ? 'SIGSTOP' : 'SIGCONT');
  }

  waitForExit(): Promise<void> {
    return once(this.child, 'exit').then(() => undefined);
  }
}
