#!/usr/bin/env node
// Runs every compiled test file (packages/*/dist/test/**/*.test.js) with node's test runner,
// or only those of the packages named as arguments (`node scripts/test.mjs core backend-fs`).
// Prints the spec report and ends with the line `N passed, N failed`.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const wanted = process.argv.slice(2);
const packages = readdirSync(join(root, 'packages')).filter((p) => wanted.length === 0 || wanted.includes(p));

function collect(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const entry of entries) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) collect(full, out);
    else if (entry.endsWith('.test.js')) out.push(full);
  }
  return out;
}

// Only tests whose TypeScript source still exists: tsc -b leaves the output of a moved or deleted
// test file behind, and it would run against code that has moved on.
// A test may be written in .ts or .tsx (the UI's components).
const hasSource = (p) => (file) => {
  const source = join(root, 'packages', p, relative(join(root, 'packages', p, 'dist'), file)).replace(/\.js$/, '');
  return existsSync(`${source}.ts`) || existsSync(`${source}.tsx`);
};
const files = packages.flatMap((p) => collect(join(root, 'packages', p, 'dist', 'test'), []).filter(hasSource(p)));
if (files.length === 0) {
  console.error('no test files found: run `npx tsc -b` first');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const tapDir = mkdtempSync(join(tmpdir(), 'visor-test-'));
const tapFile = join(tapDir, 'report.tap');
const child = spawn(
  process.execPath,
  [
    '--test',
    '--test-concurrency=1',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
    ...files,
  ],
  { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, NODE_ENV: 'test' } },
);
child.on('exit', (code, signal) => {
  let passed = 0;
  let failed = 0;
  try {
    const tap = readFileSync(tapFile, 'utf8');
    passed = Number(/^# pass (\d+)$/m.exec(tap)?.[1] ?? 0);
    failed = Number(/^# fail (\d+)$/m.exec(tap)?.[1] ?? 0);
    const cancelled = Number(/^# cancelled (\d+)$/m.exec(tap)?.[1] ?? 0);
    failed += cancelled;
  } catch {
    failed = Math.max(failed, 1);
  }
  rmSync(tapDir, { recursive: true, force: true });
  if ((code !== 0 || signal) && failed === 0) failed = 1;
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
});
