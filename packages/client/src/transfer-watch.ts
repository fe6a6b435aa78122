/**
 * A silence of at least this many milliseconds before a connection was cut is put down to the
 * server's idle timeout (at least 0.1 s, 120 s by default), not to the server stopping.
 */
export const IDLE_SILENCE_MS = 900;

/**
 * How many bytes may still move after a silence of the client's own making (its caller stopped
 * reading the answer) for a connection found lost to be put down to that silence.
 * While a reader pauses, the client reads nothing from the connection, so a server that cut it
 * during the pause is heard of only once the reader is back and has taken in what the two ends'
 * socket buffers held (Linux's largest by default: 32 MiB received, 4 MiB to send). Past that
 * many bytes, the server was still sending after the pause, and the silence was not its cut.
 */
export const CATCH_UP_BYTES = 64 * 1024 * 1024;

/**
 * What one request moved and when, kept so that a broken connection can be explained: bytes of
 * the body sent, bytes of the answer received (head included), and the silence the connection
 * was lost in (see silenceBeforeLossMs). Times are milliseconds of `performance.now()`.
 */
export class TransferWatch {
  /** Request body bytes handed to the connection. */
  bytesSent = 0;
  /** Answer bytes read from the connection (status line and headers included). */
  bytesReceived = 0;
  /** Whether the whole request body was handed to the connection. */
  bodySent = false;
  /** Whether an answer's status line arrived. */
  answered = false;
  /** When a byte last moved either way. */
  private last = performance.now();
  /** Whether the client holds off now: its caller stopped reading the answer. */
  private holding = false;
  /** The last silence of IDLE_SILENCE_MS or more that a hold ended, and the bytes moved by its end. */
  private longHold: { ms: number; movedAt: number } | undefined;

  /** Notes `bytes` of the body sent now. */
  sent(bytes: number): void {
    this.bytesSent += bytes;
    this.last = performance.now();
  }

  /** Notes `bytes` of the answer received now. */
  received(bytes: number): void {
    this.bytesReceived += bytes;
    this.last = performance.now();
  }

  /** The client holds off from now: its caller stopped reading the answer, so it reads nothing from the connection. */
  hold(): void {
    this.holding = true;
  }

  /**
   * The caller reads again. The silence running until now (since the last byte) ended as the
   * client's own, and the bytes that come first are what the connection buffered meanwhile.
   */
  release(): void {
    if (!this.holding) return;
    this.holding = false;
    const ms = performance.now() - this.last;
    if (ms >= IDLE_SILENCE_MS) this.longHold = { ms, movedAt: this.bytesSent + this.bytesReceived };
  }

  /**
   * The silence the connection was lost in, in milliseconds: the time since a byte last moved;
   * or, when at most CATCH_UP_BYTES moved since a hold ended a silence of IDLE_SILENCE_MS or more
   * (the loss was found while what the connection buffered during the hold was still coming in),
   * that silence, if longer. A silence after which the transfer went on does not count.
   */
  silenceBeforeLossMs(): number {
    const running = performance.now() - this.last;
    const hold = this.longHold;
    if (hold === undefined || this.bytesSent + this.bytesReceived - hold.movedAt > CATCH_UP_BYTES) return running;
    return Math.max(running, hold.ms);
  }
}
