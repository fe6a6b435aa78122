#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { fuzz, type FuzzReport } from './fuzz.js';

const USAGE = `Usage: npm run fuzz -- [--seconds N] [--auth on|off|both] [--seed S]

Fuzzes the Visor REST API over real HTTP against a fresh visor-server
(SQLite, fs store) for N seconds per mode (default 60), with access control
on (signed hostile requests), off, or both (default: both, N seconds each).
Prints the requests tried, and the shrunk failing request if a property fails.`;

function print(report: FuzzReport): boolean {
  const mode = report.auth ? 'access control on' : 'access control off';
  console.log(`${mode}: ${report.requests} requests (${report.cases} generated cases), seed ${report.seed}`);
  console.log(`  answers by status: ${Object.entries(report.statuses).map(([status, count]) => `${status}: ${count}`).join(', ')}`);
  if (report.failure) {
    console.log(`FAILED:\n${report.failure.report}\n--- what was wrong (shrunk case)\n${report.failure.finding.problems.join('\n')}\n--- request\n${report.failure.finding.request}\n--- answer\n${report.failure.finding.response}`);
  }
  for (const problem of report.audit) console.log(`AUDIT: ${problem}`);
  return report.failure === undefined && report.audit.length === 0;
}

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '60' }, auth: { type: 'string', default: 'both' }, seed: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const seconds = Number(values.seconds);
if (!Number.isFinite(seconds) || seconds <= 0 || !['on', 'off', 'both'].includes(values.auth!)) {
  console.error(USAGE);
  process.exit(2);
}
const modes = values.auth === 'both' ? [false, true] : [values.auth === 'on'];
let ok = true;
let total = 0;
for (const auth of modes) {
  const report = await fuzz({
    auth,
    seconds,
    ...(values.seed === undefined ? {} : { seed: Number(values.seed) }),
    onProgress: (requests) => console.error(`  ${auth ? 'auth on' : 'auth off'}: ${requests} requests…`),
  });
  total += report.requests;
  ok = print(report) && ok;
}
console.log(`${total} requests tried in total; ${ok ? 'no property failed' : 'PROPERTIES FAILED'}`);
process.exit(ok ? 0 : 1);
