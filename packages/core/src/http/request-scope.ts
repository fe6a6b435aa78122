import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The request each piece of asynchronous work was started for, so that a
 * failure no handler caught (see bin/last-resort-guard.ts) can still be logged
 * with its request id.
 */
const scope = new AsyncLocalStorage<string>();

/** Runs `work` as part of request `id`. */
export function inRequestScope<T>(id: string, work: () => T): T {
  return scope.run(id, work);
}

/** The id of the request the current code runs for, if any. */
export function currentRequestId(): string | undefined {
  return scope.getStore();
}
