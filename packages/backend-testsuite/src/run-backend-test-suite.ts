import { describe, it } from 'node:test';
import { suiteGroups } from './cases/index.js';
import type { Backend } from '@visor/plugin-api';
import { resolveSuiteOptions, type BackendTestSuiteOptions } from './options.js';
import { runCase } from './run-case.js';

/**
 * Declares the conformance tests (describe/it blocks) for one backend; call it
 * at the top level of a test file. Each case runs on a fresh backend; a case
 * about a capability the backend does not declare (positional reads on S3,
 * writes on a read-only source) is reported as skipped with the reason, never
 * as passed. With `skip`, every case is skipped with that reason.
 */
export function runBackendTestSuite<B extends Backend>(options: BackendTestSuiteOptions<B>): void {
  const resolved = resolveSuiteOptions(options);
  describe(`backend conformance: ${resolved.label}`, () => {
    for (const group of suiteGroups) {
      describe(group.title, () => {
        for (const check of group.cases) {
          if (check.appliesTo && !check.appliesTo(resolved)) continue;
          if (resolved.skip !== undefined) it(check.title, { skip: resolved.skip }, () => undefined);
          else it(check.title, { timeout: resolved.timeout }, (t) => runCase(check, resolved, (reason) => t.skip(reason)));
        }
      });
    }
  });
}
