import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fuzz, type FuzzReport } from '../src/index.js';

/** Seconds per mode in `npm test`; `npm run fuzz -- --seconds N` runs longer. */
const SECONDS = Number(process.env.VISOR_FUZZ_SECONDS ?? 12);

function explain(report: FuzzReport): string {
  const failure = report.failure
    ? `${report.failure.report}\n--- what was wrong\n${report.failure.finding.problems.join('\n')}\n--- request\n${report.failure.finding.request}\n--- answer\n${report.failure.finding.response}`
    : '';
  return `seed ${report.seed}, ${report.requests} requests\n${failure}\n${report.audit.join('\n')}`;
}

describe(`HTTP fuzzer against the server binary (real HTTP, SQLite, fs store), ${SECONDS} s per mode`, () => {
  for (const auth of [false, true]) {
    it(`access control ${auth ? 'on (validly signed hostile requests)' : 'off'}: every property holds`, { timeout: (SECONDS + 90) * 1000 }, async () => {
      const report = await fuzz({ auth, seconds: SECONDS });
      console.log(`# fuzz, access control ${auth ? 'on' : 'off'}: ${report.requests} requests, seed ${report.seed}, answers ${JSON.stringify(report.statuses)}`);
      assert.equal(report.failure, undefined, explain(report));
      assert.deepEqual(report.audit, [], explain(report));
      // Something was actually exercised: writes succeeded and were read back, errors were answered.
      assert.ok(report.requests > 200, `only ${report.requests} requests`);
      assert.ok((report.statuses['201'] ?? 0) > 0, 'no registration succeeded');
      assert.ok((report.statuses['400'] ?? 0) > 0, 'no request was refused');
    });
  }
});
