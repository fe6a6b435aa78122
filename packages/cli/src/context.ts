import type { Command } from 'commander';
import { VisorClient } from '@visor/client';
import { resolveSettings, type Settings } from './config/settings.js';
import { Output } from './output/output.js';

/** The options every command accepts (see `visor --help`). */
export interface GlobalOptions {
  url?: string;
  profile?: string;
  json?: boolean;
  quiet?: boolean;
  debug?: boolean;
}

/** What a command's action works with: its options with the global ones, the output, and the client (made on first use). */
export class CommandContext {
  readonly options: GlobalOptions;
  readonly output: Output;
  private settingsPromise: Promise<Settings> | undefined;

  constructor(command: Command) {
    this.options = command.optsWithGlobals<GlobalOptions>();
    this.output = Output.choose(this.options.json);
  }

  settings(): Promise<Settings> {
    this.settingsPromise ??= resolveSettings({ url: this.options.url, profile: this.options.profile });
    return this.settingsPromise;
  }

  async client(): Promise<VisorClient> {
    const s = await this.settings();
    return new VisorClient({ url: s.url, ...(s.accessKey === undefined ? {} : { accessKey: s.accessKey, secretKey: s.secretKey! }) });
  }

  /** A note for people on standard error; silent with `--quiet` (and kept off standard output, which `--json` owns). */
  note(text: string): void {
    if (!this.options.quiet) process.stderr.write(`${text}\n`);
  }
}
