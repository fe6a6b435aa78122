import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';

it('the skip option reports every case as skipped, with its reason, and none as passed', () => {
  const fixture = fileURLToPath(new URL('./fixtures/skipped-suite.js', import.meta.url));
  // A test runner of its own: without NODE_TEST_CONTEXT the child reports in TAP instead of to this runner.
  const { NODE_TEST_CONTEXT: _inherited, ...env } = process.env;
  const run = spawnSync(process.execPath, ['--test', '--test-reporter=tap', fixture], { encoding: 'utf8', timeout: 60_000, env });
  assert.equal(run.status, 0, run.stderr);
  const count = (name: string) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(run.stdout)?.[1]);
  assert.ok(count('tests') > 40, `only ${count('tests')} cases declared`);
  assert.equal(count('pass'), 0);
  assert.equal(count('skipped'), count('tests'));
  const reasons = run.stdout.match(/# SKIP the test server is not reachable on 127\.0\.0\.1:9/g) ?? [];
  assert.equal(reasons.length, count('tests'), 'every skipped case prints the reason');
});
