import type { Logger } from '../util/logger.js';
import type { Visor } from '../visor.js';

/**
 * The server command's stop: the first SIGINT or SIGTERM stops accepting
 * requests and lets running ones finish for up to the grace period
 * (`shutdownGraceSeconds`), logging what still runs and that a second signal
 * forces the exit; a second signal exits at once (status 1). Uploads cut
 * either way roll back: at once when the grace period runs out, at the next
 * start (as after a crash) on a forced exit.
 */
export function stopOnSignals(visor: Visor, logger: Logger, exit: (code: number) => never = process.exit): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      const running = visor.runningRequests();
      logger.warn(`received ${signal} again: stopping at once; ${running.length} running request(s) cut, uploads among them roll back at the next start`, { running });
      exit(1);
    }
    stopping = true;
    const running = visor.runningRequests();
    const grace = visor.config.shutdownGraceSeconds;
    const waiting = running.length === 0 ? 'no request running' : `waiting up to ${grace} s for ${running.length} running request(s)`;
    logger.info(`received ${signal}: stopping; ${waiting}; send SIGINT (Ctrl-C) or SIGTERM again to stop at once`, { running, shutdownGraceSeconds: grace });
    visor.close().then(
      () => exit(0),
      (error: unknown) => {
        logger.error('error while stopping', { err: error });
        exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
