import type { Backend, BackendCapabilities } from '@visor/plugin-api';
import type { ResolvedSuiteOptions } from './options.js';

/** What one conformance check gets: a fresh backend and the package's probes into its storage. */
export interface CaseContext {
  backend: Backend;
  listRaw(): Promise<string[]>;
  storedBytes: (() => Promise<number>) | undefined;
  backpressureLimit: number;
  foreignLocation: string;
  /** Fetches a redirect URL and returns the body (given by packages whose store the tests can reach). */
  fetchRedirect: ((url: string) => Promise<Buffer>) | undefined;
}

export interface SuiteCase {
  title: string;
  /** An optional backend method the check exercises: a backend without it reports the check as skipped. */
  needs?: 'openReader' | 'locationOf' | 'redirectUrl' | 'ownsLocation';
  /**
   * The capabilities the check is about, each with the value it needs (most
   * checks write, so they need `{ write: true }`): a backend declaring
   * otherwise reports the check as skipped, saying which capability.
   */
  requires?: Partial<BackendCapabilities>;
  /** Declared only when this holds (e.g. a probe the check needs was given). */
  appliesTo?(options: ResolvedSuiteOptions): boolean;
  run(context: CaseContext): Promise<void>;
}

export interface SuiteGroup {
  title: string;
  cases: readonly SuiteCase[];
}
