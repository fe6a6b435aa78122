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
  const titles = new Set(suiteGroups.flatMap((group) => group.cases.map((check) => check.title)));
  const unknown = Object.keys(resolved.knownServerDefects).filter((title) => !titles.has(title));
  if (unknown.length > 0) throw new Error(`knownServerDefects names no case of the suite: ${unknown.map((t) => JSON.stringify(t)).join(', ')}`);
  describe(`backend conformance: ${resolved.label}`, () => {
    for (const group of suiteGroups) {
      describe(group.title, () => {
        for (const check of group.cases) {
          if (check.appliesTo && !check.appliesTo(resolved)) continue;
          const defect = resolved.knownServerDefects[check.title];
          if (resolved.skip !== undefined) it(check.title, { skip: resolved.skip }, () => undefined);
          else if (defect !== undefined) it(check.title, { skip: `known defect of the server under test: ${defect}` }, () => undefined);
          else it(check.title, { timeout: resolved.timeout }, (t) => runCase(check, resolved, (reason) => t.skip(reason)));
        }
      });
    }
  });
}
