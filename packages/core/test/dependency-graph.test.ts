import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

interface GraphReport {
  packages: Record<string, string[]>;
  packageCycles: string[][];
  devOnlyCycles: string[][];
  modules: number;
  coreFolders: Record<string, string[]>;
  folderCycles: string[][];
  violations: unknown[];
}

describe('dependency graphs (scripts/check-graph.mjs)', () => {
  const run = spawnSync(process.execPath, ['scripts/check-graph.mjs', '--json'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  const report = JSON.parse(run.stdout) as GraphReport;

  it('the workspace packages have no cycle; plugins depend on the plugin API, never on core', () => {
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(report.packageCycles, []);
    assert.deepEqual(report.packages['@visor/plugin-api'], []);
    for (const plugin of ['@visor/backend-fs', '@visor/encoder-json', '@visor/encoder-xml', '@visor/plugin-auth', '@visor/plugin-tracking']) {
      assert.ok(report.packages[plugin]!.includes('@visor/plugin-api'), `${plugin} does not depend on the plugin API`);
      assert.ok(!report.packages[plugin]!.includes('@visor/core'), `${plugin} depends on core`);
    }
  });

  it('no import cycle between modules, nor between the folders of core', () => {
    assert.ok(report.modules > 100, `only ${report.modules} modules cruised`);
    assert.deepEqual(report.violations, []);
    assert.deepEqual(report.folderCycles, []);
    assert.deepEqual(report.coreFolders.hashing, [], 'hashing stands alone');
    assert.ok(!report.coreFolders.images!.includes('http'), 'the image operations know nothing of HTTP');
  });
});
