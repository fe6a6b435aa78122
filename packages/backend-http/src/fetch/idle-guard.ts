import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { SourceFetchError } from './fetch-errors.js';

/** Bytes buffered ahead of the consumer. */
const HIGH_WATER_MARK = 1024 * 1024;

/**
 * The body of a source's response as a Readable that fails with
 * SourceFetchError `timeout` when the source sends nothing for `idleMs`
 * while the consumer is waiting for bytes. Time the consumer spends not
 * reading (backpressure from a slow client) does not count: the socket's own
 * timeout cannot tell the two apart, hence this wrapper. A body that ends
 * early (the connection closed before Content-Length bytes) fails with
 * `unreachable`.
 */
export function idleGuardedBody(response: IncomingMessage, idleMs: number, host: string): Readable {
  let timer: NodeJS.Timeout | undefined;
  const stopTimer = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  const arm = () => {
    stopTimer();
    timer = setTimeout(() => {
      body.destroy(new SourceFetchError('timeout', host, `${host} sent nothing for ${idleMs / 1000} s in the middle of the body (idle timeout)`));
    }, idleMs);
  };
  let ended = false;
  const body = new Readable({
    highWaterMark: HIGH_WATER_MARK,
    read() {
      arm();
      response.resume();
    },
    destroy(error, callback) {
      stopTimer();
      if (!ended) response.destroy();
      callback(error);
    },
  });
  response.pause();
  response.on('data', (chunk: Buffer) => {
    if (body.push(chunk)) arm();
    else {
      stopTimer();
      response.pause();
    }
  });
  response.on('end', () => {
    ended = true;
    stopTimer();
    body.push(null);
  });
  const early = (cause?: unknown) => {
    if (ended || body.destroyed) return;
    body.destroy(new SourceFetchError('unreachable', host, `${host} closed the connection before the end of the body`, { cause }));
  };
  response.on('error', early);
  response.on('close', () => early());
  return body;
}
