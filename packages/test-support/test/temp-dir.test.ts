import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, removeTempDir, testTempDir } from '../src/temp-dir.js';

/** The compiled module, for the test programs run in processes of their own. */
const MODULE = new URL('../src/temp-dir.js', import.meta.url).href;

/** Runs an ES module program with this Node; returns its output and the directories it printed (`DIR <path>` lines). */
function runProgram(dir: string, source: string): { status: number | null; output: string; dirs: string[] } {
  const file = join(dir, 'program.mjs');
  writeFileSync(file, source);
  const run = spawnSync(process.execPath, [file], { encoding: 'utf8', env: { ...process.env, NODE_TEST_CONTEXT: undefined } });
  const output = `${run.stdout}${run.stderr}`;
  return { status: run.status, output, dirs: [...output.matchAll(/^DIR (.+)$/gm)].map((m) => m[1]!) };
}

describe('temp directories of the tests', () => {
  it('makeTempDir makes an empty directory under the OS temp directory named with the prefix; removeTempDir removes it with its contents', async () => {
    const dir = await makeTempDir('visor-temp-dir-test-');
    try {
      assert.equal(dirname(dir), realpathSync(tmpdir()));
      assert.match(basename(dir), /^visor-temp-dir-test-[\w]{6}$/);
      assert.deepEqual(readdirSync(dir), []);
      mkdirSync(join(dir, 'nested'));
      writeFileSync(join(dir, 'nested', 'file'), 'bytes');
    } finally {
      await removeTempDir(dir);
    }
    assert.equal(existsSync(dir), false);
    await removeTempDir(dir);
    await removeTempDir(undefined);
  });

  it('testTempDir removes the directory when its test ends, passed or failed, before the process exits', async (t) => {
    const work = await testTempDir(t, 'visor-temp-dir-test-');
    const run = runProgram(
      work,
      `import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { testTempDir } from ${JSON.stringify(MODULE)};
const dirs = [];
test('passes', async (t) => {
  dirs.push(await testTempDir(t, 'visor-temp-dir-test-'));
  console.log('DIR ' + dirs[0]);
});
test('fails', async (t) => {
  dirs.push(await testTempDir(t, 'visor-temp-dir-test-'));
  console.log('DIR ' + dirs[1]);
  throw new Error('failing on purpose');
});
test('looks', () => {
  console.log('LEFT ' + dirs.filter((dir) => existsSync(dir)).length);
});
`,
    );
    assert.equal(run.status, 1, run.output);
    assert.match(run.output, /failing on purpose/);
    assert.equal(run.dirs.length, 2, run.output);
    assert.match(run.output, /^LEFT 0$/m, 'both were gone while the process still ran');
    for (const dir of run.dirs) assert.equal(existsSync(dir), false, dir);
  });

  it('a directory a test did not remove is removed when the test process exits', async (t) => {
    const work = await testTempDir(t, 'visor-temp-dir-test-');
    const run = runProgram(
      work,
      `import { makeTempDir } from ${JSON.stringify(MODULE)};
const dir = await makeTempDir('visor-temp-dir-test-');
console.log('DIR ' + dir);
throw new Error('a test that failed before its clean-up');
`,
    );
    assert.notEqual(run.status, 0, run.output);
    assert.equal(run.dirs.length, 1, run.output);
    assert.equal(existsSync(run.dirs[0]!), false);
  });
});
