import type { BackendPlugin, EncoderPlugin, ExtensionPluginLike } from '@visor/plugin-api';
import type { LogLevel } from '../util/logger.js';

export interface StoreConfig {
  /** The backend name as configured (`fs`, `@acme/visor-s3`, `./my-backend.js`), or the inline plugin's `type`. */
  backend: string;
  /** Set when the configuration gave the plugin object itself (embedding, tests). */
  plugin?: BackendPlugin;
  /** Passed to the backend's `create` unchanged. */
  options: Record<string, unknown>;
}

export interface EncoderConfig {
  /** The encoder name as configured, or the inline plugin's `name`. */
  name: string;
  plugin?: EncoderPlugin;
}

export interface PluginConfig {
  /** The extension plugin name as configured, or the inline plugin's `name`. */
  name: string;
  plugin?: ExtensionPluginLike;
  /** Passed to the plugin's `apply` unchanged. */
  options: Record<string, unknown>;
}

/**
 * `acquireTimeoutSeconds`: how long a query waits for a connection of the
 * pool (SQLite has one) before its request is answered 503.
 */
export type DatabaseConfig =
  /** `filename` is absolute, or `:memory:` for an in-memory database. */
  | { client: 'sqlite3'; filename: string; acquireTimeoutSeconds: number }
  | { client: 'pg'; connection: string | Record<string, unknown>; pool: { min: number; max: number }; acquireTimeoutSeconds: number };

export interface LimitsConfig {
  /** Largest metadata (JSON/XML) request body accepted. */
  metadataBodyBytes: number;
  /** Largest image upload accepted; null means unlimited. */
  maxImageBytes: number | null;
  /** A connection that sends or takes no byte for this long is cut (a stalled upload or download). */
  idleTimeoutSeconds: number;
}

export interface MetricsConfig {
  /** Whether `GET /metrics` is served at all. */
  enabled: boolean;
  /** The separate listener's address (used only with `port`). */
  host: string;
  /** null: `GET /metrics` is a REST API route for admins; a port: served there, unauthenticated, instead. */
  port: number | null;
}

/** The fully resolved configuration: every default applied, every path absolute. */
export interface VisorConfig {
  host: string;
  /** 0 asks the OS for a free port (tests). */
  port: number;
  /** Absolute http(s) URL without a trailing slash used to build image `uri`s; null = from the request's Host. */
  publicUrl: string | null;
  dataDir: string;
  /** The config file's directory, else the working directory: relative plugin paths resolve against it. */
  baseDir: string;
  configFile: string | null;
  logLevel: LogLevel;
  database: DatabaseConfig;
  /** Keyed by store name; the object has no prototype, so only configured names are present. */
  stores: Record<string, StoreConfig>;
  defaultStore: string;
  encoders: EncoderConfig[];
  plugins: PluginConfig[];
  limits: LimitsConfig;
  /** How often this instance tells the database it is alive; one silent for three beats is taken for dead. */
  heartbeatSeconds: number;
  /** Prometheus metrics (docs/metrics.md). */
  metrics: MetricsConfig;
  /**
   * Seconds `close()` (and the first SIGINT/SIGTERM of the server command)
   * lets running requests finish before cutting their connections; an
   * upload cut this way rolls back. 0: cut at once.
   */
  shutdownGraceSeconds: number;
}
