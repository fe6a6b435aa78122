import { describe, it } from 'node:test';
import { suiteGroups } from './cases/index.js';
import type { Backend } from '@visor/core/plugin';
import { resolveSuiteOptions, type BackendTestSuiteOptions } from './options.js';
import { runCase } from './run-case.js';

/** Declares the conformance tests (describe/it blocks) for one backend; call it at the top level of a test file. */
export function runBackendTestSuite<B extends Backend>(options: BackendTestSuiteOptions<B>): void {
  const resolved = resolveSuiteOptions(options);
  describe(`backend conformance: ${resolved.label}`, () => {
    for (const group of suiteGroups) {
      describe(group.title, () => {
        for (const check of group.cases) {
          if (check.appliesTo && !check.appliesTo(resolved)) continue;
          it(check.title, { timeout: resolved.timeout }, (t) => runCase(check, resolved, (reason) => t.skip(reason)));
        }
      });
    }
  });
}
