/**
 * What one request moved and when, kept so that a broken connection can be explained: bytes of
 * the body sent, bytes of the answer received (head included), and the longest time in which
 * neither happened (a stalled source, a paused reader, a server that stopped reading).
 * Times are milliseconds of `performance.now()`.
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
  private last = performance.now();
  private longest = 0;

  /** Notes `bytes` of the body sent now. */
  sent(bytes: number): void {
    this.bytesSent += bytes;
    this.activity();
  }

  /** Notes `bytes` of the answer received now. */
  received(bytes: number): void {
    this.bytesReceived += bytes;
    this.activity();
  }

  /** The longest silence so far, counting the one still running, in milliseconds. */
  longestSilenceMs(): number {
    return Math.max(this.longest, performance.now() - this.last);
  }

  private activity(): void {
    const now = performance.now();
    this.longest = Math.max(this.longest, now - this.last);
    this.last = now;
  }
}
