#!/usr/bin/env node
// Checks the two dependency graphs the architecture promises to keep acyclic (docs/architecture.md):
//  1. the workspace packages: no cycle through dependencies, peerDependencies or
//     optionalDependencies (what installs with a package); devDependencies that lead back
//     (a plugin's tests starting a whole Visor) are listed, as they never install for users;
//  2. the source modules of every package and the folders of core's src (config, plugins, hooks,
//     stores, images, hashing, instances, metadata, http...): no import cycle at either level,
//     type-only imports included (dependency-cruiser).
// Prints what it found and exits non-zero on a cycle. `node scripts/check-graph.mjs [--json]`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cruise } from 'dependency-cruiser';

const root = new URL('..', import.meta.url).pathname;
const json = process.argv.includes('--json');
const manifest = (dir) => JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
const workspaces = manifest('.').workspaces;
const packages = new Map(workspaces.map((dir) => [manifest(dir).name, { dir, ...manifest(dir) }]));

/** Edges between workspace packages, from the given dependency fields. */
function edges(fields) {
  const out = new Map();
  for (const [name, pkg] of packages) {
    const targets = fields.flatMap((field) => Object.keys(pkg[field] ?? {})).filter((target) => packages.has(target));
    out.set(name, [...new Set(targets)].sort());
  }
  return out;
}

/** Every elementary cycle's first finding per start node, as name lists (depth-first search). */
function cycles(graph) {
  const found = [];
  const state = new Map();
  const stack = [];
  const visit = (node) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

const runtime = edges(['dependencies', 'peerDependencies', 'optionalDependencies']);
const withDev = edges(['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies']);
const packageCycles = cycles(runtime);
const devOnlyCycles = cycles(withDev).filter((cycle) => !packageCycles.some((c) => c.join() === cycle.join()));

const folderOf = (path) => /^packages\/core\/src\/([^/]+)\//.exec(path)?.[1];
const result = await cruise(
  workspaces.map((dir) => join(dir, 'src')),
  {
    baseDir: root,
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['node_modules', '/dist/'] },
    validate: true,
    ruleSet: {
      forbidden: [
        { name: 'no-module-cycle', severity: 'error', from: {}, to: { circular: true } },
        { name: 'no-core-folder-cycle', severity: 'error', scope: 'folder', from: { path: '^packages/core/src/' }, to: { path: '^packages/core/src/', circular: true } },
      ],
    },
  },
  { extensions: ['.ts', '.js', '.mjs'] },
  { tsConfig: { fileName: join(root, 'tsconfig.base.json') } },
);
const violations = result.output.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to, cycle: (v.cycle ?? []).map((c) => c.name ?? c) }));
const coreFolders = new Map();
for (const module of result.output.modules) {
  const from = folderOf(module.source);
  if (!from) continue;
  if (!coreFolders.has(from)) coreFolders.set(from, new Set());
  for (const dependency of module.dependencies) {
    const to = folderOf(dependency.resolved);
    if (to && to !== from) coreFolders.get(from).add(to);
  }
}

// dependency-cruiser's folder rule, checked again on the folder graph drawn above.
const folderCycles = cycles(new Map([...coreFolders].map(([folder, targets]) => [folder, [...targets]])));

const report = {
  packages: Object.fromEntries(runtime),
  packageCycles,
  devOnlyCycles,
  modules: result.output.summary.totalCruised,
  coreFolders: Object.fromEntries([...coreFolders].sort().map(([folder, targets]) => [folder, [...targets].sort()])),
  folderCycles,
  violations,
};
if (json) {
  console.log(JSON.stringify(report, null, 2));
} else {
  console.log('workspace packages (dependencies, peer and optional):');
  for (const [name, targets] of runtime) console.log(`  ${name} -> ${targets.join(', ') || '(none)'}`);
  for (const cycle of devOnlyCycles) console.log(`  note: a devDependency leads back (tests only, never installed for users): ${cycle.join(' -> ')}`);
  console.log(`core folders (${report.modules} modules cruised):`);
  for (const [folder, targets] of Object.entries(report.coreFolders)) console.log(`  ${folder} -> ${targets.join(', ') || '(none)'}`);
  for (const cycle of packageCycles) console.log(`PACKAGE CYCLE: ${cycle.join(' -> ')}`);
  for (const cycle of folderCycles) console.log(`FOLDER CYCLE: ${cycle.join(' -> ')}`);
  for (const v of violations) console.log(`IMPORT CYCLE (${v.rule}): ${v.from} -> ${v.to}${v.cycle.length ? ` via ${v.cycle.join(' -> ')}` : ''}`);
}
const problems = packageCycles.length + folderCycles.length + violations.length;
if (!json) console.log(problems === 0 ? 'no cycles' : `${problems} cycle(s)`);
process.exit(problems === 0 ? 0 : 1);
