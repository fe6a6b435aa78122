import type { AsyncSeriesHook } from 'tapable';
import type { Logger, VisorHooks } from '@visor/plugin-api';
import { runAfterHook } from './run-after-hook.js';

/** The core's hooks that run once an operation is done. */
export type AfterHookName = 'afterRegister' | 'afterUpload' | 'afterUploadFailed' | 'afterDownload' | 'afterReadMetadata' | 'afterUpdate' | 'afterDelete';

type ArgsOf<H> = H extends AsyncSeriesHook<infer T> ? T : never;

/**
 * Runs after-hooks detached: the operation is done and its caller answered
 * without waiting for plugins (tracking must never slow a request), a failing
 * tap is logged and never turned into a failed request, and `settle()` lets
 * the runs end before the database goes.
 */
export class AfterHooks {
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly hooks: VisorHooks,
    private readonly logger: Logger,
  ) {}

  /** Runs the core's after-hook `name` with `args`, detached. */
  emitAfter<K extends AfterHookName>(name: K, ...args: ArgsOf<VisorHooks[K]>): void {
    this.emit(name, this.hooks[name] as AsyncSeriesHook<ArgsOf<VisorHooks[K]>>, ...args);
  }

  /** Runs any after-style hook (a plugin's own, see PluginHost.emitAfter), detached. */
  emit<T extends unknown[]>(name: string, hook: AsyncSeriesHook<T>, ...args: T): void {
    const run = runAfterHook(hook, name, this.logger, ...args);
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  /** Resolves once every run started so far (and those they started) has ended. */
  async settle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }
}
