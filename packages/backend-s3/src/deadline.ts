/**
 * The longest a small control request (the health listing, the sweep's
 * listings and aborts) may take, retries included. The SDK's own bounds are
 * per attempt and count idle time (`requestTimeoutSeconds`, made for
 * transfers of hours), so an endpoint that takes connections and never
 * answers would otherwise hold `GET /status`, or Visor's start, for
 * `maxAttempts` × `requestTimeoutSeconds`: 3 minutes with the defaults.
 */
export const CONTROL_TIMEOUT_MS = 10_000;

/** A control request got no answer in time; its name makes it an unreachable endpoint to `describeFailure`. */
export class DeadlineError extends Error {
  constructor(
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(`the S3 endpoint did not answer within ${timeoutMs / 1000} s`, options);
    this.name = 'TimeoutError';
  }
}

/**
 * Runs `send` (one SDK call given the signal as its `abortSignal`) and
 * rejects with a DeadlineError when it has not settled within `timeoutMs`;
 * the SDK stops retrying when the signal aborts.
 */
export async function withinDeadline<T>(timeoutMs: number, send: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
  const deadline = AbortSignal.timeout(timeoutMs);
  try {
    return await send(deadline);
  } catch (error) {
    if (deadline.aborted) throw new DeadlineError(timeoutMs, { cause: error });
    throw error;
  }
}
