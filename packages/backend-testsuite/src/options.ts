import type { Backend, PutResult } from '@visor/plugin-api';

/** `B` is the backend's own class, so the probes can reach its internals without casts. */
export interface BackendTestSuiteOptions<B extends Backend = Backend> {
  /** Appears in every test name, e.g. `fs`, `s3 (MinIO)`, `hdfs (emulated)`. */
  label: string;
  /** Builds a fresh, empty backend; called once per test. */
  create(): Promise<B>;
  /** Tears a backend down after its test (after `backend.close()`, when it has one). */
  destroy?(backend: B): Promise<void>;
  /** Every object or file the storage holds, temporary and partial ones included. */
  listRaw(backend: B): Promise<string[]>;
  /**
   * Total bytes the storage holds right now, temporary and partial objects
   * included. When given, the suite checks that `put` does not drain its
   * source far ahead of what has reached the storage.
   */
  storedBytes?(backend: B): Promise<number>;
  /** How far (bytes) `put` may read ahead of `storedBytes`; default 4 MiB. Raise it for backends that buffer whole parts. */
  backpressureLimit?: number;
  /** A location this backend must refuse; default `nosuch://elsewhere/x`. */
  foreignLocation?: string;
  /** Per-test timeout in milliseconds; default 60 000. */
  timeout?: number;
  /**
   * Cases the storage server under test is known to fail through no fault
   * of the backend (a test server's bug), by exact case title, with the
   * reason: they are reported as skipped with that reason, never as passed.
   * For test servers only: a backend's own shortcomings are not defects of
   * its server.
   */
  knownServerDefects?: Readonly<Record<string, string>>;
  /**
   * Places an object in the storage behind Visor's back and returns its
   * location and size: how the read cases get objects into a read-only
   * backend (the HTTP backend writes a file its web server serves). Writable
   * backends need none: `put` does it.
   */
  seed?(backend: B, key: string, data: Buffer): Promise<PutResult>;
  /**
   * When set, every case is declared skipped with this reason, which the test
   * report prints (a server the tests need is not reachable, say). Never
   * counted as passed.
   */
  skip?: string | undefined;
  /** Fetches a URL from `redirectUrl` and returns the body, so the suite checks the store serves the right bytes there. */
  fetchRedirect?(url: string): Promise<Buffer>;
}

export interface ResolvedSuiteOptions extends Required<Omit<BackendTestSuiteOptions, 'destroy' | 'storedBytes' | 'seed' | 'skip' | 'fetchRedirect'>> {
  destroy: BackendTestSuiteOptions['destroy'];
  storedBytes: BackendTestSuiteOptions['storedBytes'];
  seed: BackendTestSuiteOptions['seed'];
  skip: string | undefined;
  fetchRedirect: BackendTestSuiteOptions['fetchRedirect'];
}

export const MiB = 1024 * 1024;

/** Fills in defaults. The probes only ever receive backends `create` made, hence the casts. */
export function resolveSuiteOptions<B extends Backend>(options: BackendTestSuiteOptions<B>): ResolvedSuiteOptions {
  const destroy = options.destroy?.bind(options);
  const storedBytes = options.storedBytes?.bind(options);
  const seed = options.seed?.bind(options);
  return {
    label: options.label,
    create: () => options.create(),
    destroy: destroy === undefined ? undefined : (backend) => destroy(backend as B),
    listRaw: (backend) => options.listRaw(backend as B),
    storedBytes: storedBytes === undefined ? undefined : (backend) => storedBytes(backend as B),
    backpressureLimit: options.backpressureLimit ?? 4 * MiB,
    foreignLocation: options.foreignLocation ?? 'nosuch://elsewhere/x',
    timeout: options.timeout ?? 60_000,
    knownServerDefects: options.knownServerDefects ?? {},
    seed: seed === undefined ? undefined : (backend, key, data) => seed(backend as B, key, data),
    skip: options.skip,
    fetchRedirect: options.fetchRedirect?.bind(options),
  };
}
