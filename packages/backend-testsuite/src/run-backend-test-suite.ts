import { describe, it } from 'node:test';
import { suiteGroups } from './cases/index.js';
import type { Backend } from '@visor/core/plugin';
import { resolveSuiteOptions, type BackendTestSuiteOptions } from './options.js';
import { runCase } from './run-case.js';

/** Declares the conformance tests (describe/it blocks) for one backend; call it at the top level of a test file. */
export function runBackendTestSuite<B extends Backend>(options: BackendTestSuiteOptions<B>): void {
  const resolved = resolveSuiteOptions(options);
  const titles = new Set(suiteGroups.flatMap((group) => group.cases.map((check) => check.title)));
  const unknown = Object.keys(resolved.knownServerDefects).filter((title) => !titles.has(title));
  if (unknown.length > 0) throw new Error(`knownServerDefects names no case of the suite: ${unknown.map((t) => JSON.stringify(t)).join(', ')}`);
  describe(`backend conformance: ${resolved.label}`, () => {
    for (const group of suiteGroups) {
      describe(group.title, () => {
        for (const check of group.cases) {
          if (check.appliesTo && !check.appliesTo(resolved)) continue;
          const defect = resolved.knownServerDefects[check.title];
          if (defect !== undefined) {
            it(check.title, { skip: `known defect of the server under test: ${defect}` }, () => undefined);
            continue;
          }
          it(check.title, { timeout: resolved.timeout }, (t) => runCase(check, resolved, (reason) => t.skip(reason)));
        }
      });
    }
  });
}
