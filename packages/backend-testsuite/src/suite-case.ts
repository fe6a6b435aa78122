import type { Backend } from '@visor/core/plugin';
import type { ResolvedSuiteOptions } from './options.js';

/** What one conformance check gets: a fresh backend and the package's probes into its storage. */
export interface CaseContext {
  backend: Backend;
  listRaw(): Promise<string[]>;
  storedBytes: (() => Promise<number>) | undefined;
  backpressureLimit: number;
  foreignLocation: string;
}

export interface SuiteCase {
  title: string;
  /** An optional backend method the check exercises: a backend without it reports the check as skipped. */
  needs?: 'openReader' | 'locationOf';
  /** Declared only when this holds (e.g. a probe the check needs was given). */
  appliesTo?(options: ResolvedSuiteOptions): boolean;
  run(context: CaseContext): Promise<void>;
}

export interface SuiteGroup {
  title: string;
  cases: readonly SuiteCase[];
}
