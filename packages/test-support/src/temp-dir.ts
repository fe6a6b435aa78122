import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Directories made here and not removed yet: the exit hook removes what a test left. */
const left = new Set<string>();
let hooked = false;

function track(dir: string): string {
  left.add(dir);
  if (!hooked) {
    hooked = true;
    // The last resort for a test that failed (or forgot) before its clean-up: node --test runs
    // each test file in a process of its own, so this runs when the file's tests are over.
    process.once('exit', () => {
      for (const path of left) rmSync(path, { recursive: true, force: true });
    });
  }
  return dir;
}

/**
 * Makes a fresh empty directory `<os.tmpdir()>/<prefix><6 random characters>` and returns its
 * real path (symbolic links resolved, so paths compare equal to what the code under test
 * resolves). Remove it with `removeTempDir` when the test or suite ends (an `after` hook); one
 * still there when the test process exits is removed then.
 */
export async function makeTempDir(prefix: string): Promise<string> {
  return track(await realpath(await mkdtemp(join(tmpdir(), prefix))));
}

/** `makeTempDir`, synchronously. */
export function makeTempDirSync(prefix: string): string {
  return track(realpathSync(mkdtempSync(join(tmpdir(), prefix))));
}

/**
 * Removes a directory and everything in it; nothing happens when it is gone already, or when
 * `dir` is undefined (an `after` hook whose `before` failed before making it).
 */
export async function removeTempDir(dir: string | undefined): Promise<void> {
  if (dir === undefined) return;
  await rm(dir, { recursive: true, force: true });
  left.delete(dir);
}

/** `removeTempDir`, synchronously. */
export function removeTempDirSync(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  left.delete(dir);
}

/** What `testTempDir` needs of node:test's `TestContext`: its `after` hook. */
export interface TestWithAfter {
  after(fn: () => Promise<void>): void;
}

/**
 * `makeTempDir` for one test: the directory is removed when the test `t` ends, passed or failed
 * (`t.after`). `it('…', async (t) => { const dir = await testTempDir(t, 'visor-x-'); … })`.
 */
export async function testTempDir(t: TestWithAfter, prefix: string): Promise<string> {
  const dir = await makeTempDir(prefix);
  t.after(() => removeTempDir(dir));
  return dir;
}
