import { currentRequestId } from '../http/request-scope.js';
import type { Logger } from '../util/logger.js';

/** The log message of the guard: tests and the fuzzer look for it, as it always means a bug. */
export const LAST_RESORT_MESSAGE = 'an error escaped every handler (a bug: please report it); the server keeps serving';

/**
 * Installs process-wide handlers for errors no request handler caught
 * (`uncaughtException`, `unhandledRejection`): they are logged with the
 * request id they arose from, where known, and the server keeps serving
 * other requests. Only for the server binary: an application embedding Visor
 * owns its process and decides this itself. The answer path is built not to
 * need this (http/answer-error.ts); the guard is the last line, not the plan.
 */
export function installLastResortGuard(logger: Logger): void {
  const report = (kind: string, error: unknown) => {
    try {
      logger.error(LAST_RESORT_MESSAGE, {
        kind,
        request: currentRequestId() ?? null,
        err: error,
        stack: error instanceof Error ? error.stack : undefined,
      });
    } catch {
      try {
        process.stderr.write(`visor: ${LAST_RESORT_MESSAGE} (${kind})\n`);
      } catch {
        // stderr is gone too: nothing left to tell.
      }
    }
  };
  // A log reader that went away (`visor-server 2>&1 | head -1`) makes every later write fail with
  // EPIPE. Unheard, each failure would be an uncaught exception whose report writes again and fails
  // again, a loop that starves the server (and its shutdown): the logs are lost, the service goes on.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  process.on('uncaughtException', (error) => report('uncaughtException', error));
  process.on('unhandledRejection', (reason) => report('unhandledRejection', reason));
}
