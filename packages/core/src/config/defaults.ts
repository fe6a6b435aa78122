import type { LogLevel } from '../util/logger.js';

/**
 * What Visor uses for every setting the configuration leaves out. Visor runs
 * with no configuration at all: it listens on 127.0.0.1:4568, keeps images in
 * ./visor-data (relative to the working directory) through the `fs` backend,
 * and its metadata in SQLite at <dataDir>/visor.sqlite.
 */
export const CONFIG_DEFAULTS = deepFreeze({
  host: '127.0.0.1',
  port: 4568,
  publicUrl: null,
  /** Resolved against the working directory. */
  dataDir: './visor-data',
  logLevel: 'info' as LogLevel,
  /** The SQLite database file, resolved against dataDir. */
  sqliteFilename: 'visor.sqlite',
  /** knex pool for PostgreSQL; min 0 lets idle connections close. */
  pgPool: { min: 0, max: 10 },
  /**
   * How long a query waits for a pooled database connection (knex's default
   * is 60 s): past it, the request gets 503 with Retry-After.
   */
  databaseAcquireTimeoutSeconds: 10,
  stores: { default: { backend: 'fs', options: {} } },
  /** The first is the default response type. */
  encoders: ['json', 'xml'],
  /** Access control and tracking, on unless the configuration lists other plugins (or none). */
  plugins: ['auth', 'tracking'],
  limits: { metadataBodyBytes: 1024 * 1024, maxImageBytes: null, idleTimeoutSeconds: 120 },
  /** How often an instance records in the database that it is alive; silent for 3 beats = dead. */
  heartbeatSeconds: 10,
  /** GET /metrics on the REST API, for admins. */
  metrics: { enabled: true, host: '127.0.0.1', port: null as number | null },
  /** How long a stop waits for running requests (uploads, downloads) before cutting them. */
  shutdownGraceSeconds: 30,
});

function deepFreeze<T extends object>(value: T): T {
  for (const member of Object.values(value)) {
    if (typeof member === 'object' && member !== null) deepFreeze(member);
  }
  return Object.freeze(value);
}
