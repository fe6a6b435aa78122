import { suiteGroups } from '../../src/cases/index.js';
import type { SuiteCase } from '../../src/suite-case.js';

/** The one suite check whose title starts with `prefix`. */
export function findCase(prefix: string): SuiteCase {
  const found = suiteGroups.flatMap((group) => group.cases).filter((check) => check.title.startsWith(prefix));
  if (found.length !== 1) throw new Error(`${found.length} suite checks start with '${prefix}'`);
  return found[0] as SuiteCase;
}
