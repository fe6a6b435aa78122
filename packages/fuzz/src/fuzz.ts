import fc from 'fast-check';
import { fuzzCase, type FuzzCase } from './arbitraries.js';
import { FuzzSession, type Finding } from './session.js';

export interface FuzzOptions {
  /** Access control on (signed requests, hostile content) or off. */
  auth: boolean;
  /** How long to generate requests, in seconds (shrinking a failure may add a little). */
  seconds: number;
  /** fast-check seed, to replay a run; random when absent. */
  seed?: number;
  /** Called now and then with the number of requests sent so far. */
  onProgress?(requests: number): void;
}

export interface FuzzReport {
  auth: boolean;
  seed: number;
  /** Requests sent, setup, read-backs and audit included. */
  requests: number;
  /** Generated cases run (each one request, plus a read-back after a successful write). */
  cases: number;
  /** The shrunk failing case and what was wrong, when a property failed. */
  failure: { finding: Finding; counterexample: FuzzCase | undefined; report: string } | undefined;
  /** Answers by status, `none` for requests left unanswered (cut on purpose, or not). */
  statuses: Record<string, number>;
  /** Store and database audit at the end: orphans, missing files, stuck uploads. */
  audit: string[];
}

/**
 * Runs the HTTP fuzzer against a fresh server binary: generated requests
 * (fast-check), every property checked after each (see session.ts, checks.ts),
 * the first failure shrunk to a small case; then the store audit.
 */
export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  const session = await FuzzSession.open({ auth: options.auth });
  const seed = options.seed ?? (Date.now() ^ (Math.random() * 0x7fffffff)) >>> 0;
  let cases = 0;
  let last: Finding | undefined;
  const progress = setInterval(() => options.onProgress?.(session.requests), 5_000);
  try {
    const property = fc.asyncProperty(fuzzCase, async (generated) => {
      cases += 1;
      const finding = await session.run(generated);
      if (finding !== undefined) {
        last = finding;
        throw new Error(`${finding.problems.join('\n')}\n--- request\n${finding.request}\n--- answer\n${finding.response}`);
      }
    });
    const result = await fc.check(property, {
      seed,
      numRuns: Number.MAX_SAFE_INTEGER,
      interruptAfterTimeLimit: options.seconds * 1000,
      markInterruptAsFailure: false,
      endOnFailure: false,
    });
    // A failure found before the time ran out counts even when its shrinking was cut short.
    const failure = result.failed ? { finding: last!, counterexample: result.counterexample?.[0], report: fc.defaultReportMessage(result) ?? '' } : undefined;
    const audit = [...(await session.checkProcess()), ...(await session.audit())];
    const statuses = Object.fromEntries([...session.statuses].sort(([a], [b]) => a.localeCompare(b)));
    return { auth: options.auth, seed, requests: session.requests, cases, statuses, failure, audit };
  } finally {
    clearInterval(progress);
    await session.close();
  }
}
