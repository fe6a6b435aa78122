import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { runBackendTestSuite } from '../src/index.js';
import { MemoryBackend } from './support/memory-backend.js';

it('knownServerDefects reports exactly the named cases as skipped, each with its reason, and runs the others', () => {
  const fixture = fileURLToPath(new URL('./fixtures/known-defects-suite.js', import.meta.url));
  // A test runner of its own: without NODE_TEST_CONTEXT the child reports in TAP instead of to this runner.
  const { NODE_TEST_CONTEXT: _inherited, ...env } = process.env;
  const run = spawnSync(process.execPath, ['--test', '--test-reporter=tap', fixture], { encoding: 'utf8', timeout: 120_000, env });
  assert.equal(run.status, 0, run.stdout.slice(-3000));
  const count = (name: string) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(run.stdout)?.[1]);
  assert.equal((run.stdout.match(/# SKIP known defect of the server under test/g) ?? []).length, 2);
  assert.equal(count('fail'), 0);
  assert.ok(count('pass') > 40, `only ${count('pass')} cases passed`);
  assert.match(run.stdout, /ok \d+ - a range read returns exactly the first byte \(0-0\) # SKIP known defect of the server under test: this server answers bytes=0-0 with the whole object/);
  assert.match(run.stdout, /ok \d+ - stores and returns an empty object # SKIP known defect of the server under test: this server cannot store empty objects/);
});

it('knownServerDefects naming no case of the suite is an error, so a renamed case is never silently run or skipped', () => {
  assert.throws(
    () =>
      runBackendTestSuite<MemoryBackend>({
        label: 'never declared',
        create: async () => new MemoryBackend('m'),
        listRaw: async (backend) => backend.listRaw(),
        knownServerDefects: { 'a case that does not exist': 'reason' },
      }),
    /knownServerDefects names no case of the suite: "a case that does not exist"/,
  );
});
