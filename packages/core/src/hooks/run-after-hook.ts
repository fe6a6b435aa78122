import type { AsyncSeriesHook } from 'tapable';
import type { Logger } from '@visor/plugin-api';

/**
 * Calls an `after*` hook: the operation is already done, so a failing tap is
 * logged and never turned into a failed request.
 */
export async function runAfterHook<T extends unknown[]>(
  hook: AsyncSeriesHook<T>,
  name: string,
  logger: Logger,
  ...args: NoInfer<T>
): Promise<void> {
  if (!hook.isUsed()) return;
  try {
    await hook.promise(...(args as unknown as Parameters<AsyncSeriesHook<T>['promise']>));
  } catch (error) {
    logger.error(`a plugin failed in hook ${name}`, { hook: name, err: error });
  }
}
