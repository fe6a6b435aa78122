/**
 * Condition-based waits for components rendered with ink-testing-library, so the tests hold on
 * a loaded machine: nothing waits a fixed time, everything waits for what the screen shows.
 *
 * Why `send` re-sends: Ink attaches a component's key handler in a React effect, which runs
 * after the frame is drawn. Keys written in between reach no handler (or the one of the frame
 * before) and are dropped without a trace. A key that is handled changes the frame at once
 * (ink-testing-library renders synchronously), so writing again until the expected frame shows
 * is safe: a dropped key is sent again, a handled one is never sent twice.
 */

/** Generous: the shared test machine can be very loaded. */
export const WAIT_MS = 60_000;

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until `check()` holds; throws naming `what`, with the last frame, after `timeoutMs`. */
export async function until(check: () => boolean, what: string, frame: () => string, timeoutMs = WAIT_MS): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the screen:\n${frame()}`);
    await pause(10);
  }
}

/**
 * Writes `keys` to the component's standard input until `handled()` holds (checked right after
 * each write and after each event-loop turn); use a condition that only a handled key makes true.
 */
export async function send(
  stdin: { write(data: string): void },
  keys: string,
  handled: () => boolean,
  what: string,
  frame: () => string,
  timeoutMs = WAIT_MS,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    stdin.write(keys);
    // A handled key shows in the frame within the write; let effects and promises settle a little too.
    for (let i = 0; i < 3; i++) {
      if (handled()) return;
      await turn();
    }
    if (handled()) return;
    if (Date.now() > end) throw new Error(`the keys for ${what} were never handled (${attempt + 1} tries); the screen:\n${frame()}`);
    await pause(Math.min(200, 10 * 2 ** attempt));
  }
}
