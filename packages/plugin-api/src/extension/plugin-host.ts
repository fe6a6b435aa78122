import type { Knex } from 'knex';
import type { AsyncSeriesHook } from 'tapable';
import type { VisorHooks } from '../hooks/hooks.js';
import type { ImageOperations } from '../images/image-operations.js';
import type { Logger } from '../logger.js';
import type { RouteHandler, RouteMethod } from '../routes/route-registry.js';

/** The settings of the running Visor a plugin may read. */
export interface PluginHostConfig {
  /** Visor's data directory (absolute): a plugin keeps its files here (keys, caches). */
  readonly dataDir: string;
  /** Where relative paths in the configuration resolve (absolute). */
  readonly baseDir: string;
  /** The absolute URL clients reach Visor at, without a trailing slash; null when taken from each request's Host. */
  readonly publicUrl: string | null;
}

/**
 * What an extension plugin's `apply` receives: the hooks, the image
 * operations, its own logger, route registration and the database. One host
 * per plugin entry.
 */
export interface PluginHost {
  /** The core's hooks (see docs/hooks.md). */
  readonly hooks: VisorHooks;
  /** The image operations, with access checks and hooks, as the REST API runs them. */
  readonly images: ImageOperations;
  /** A logger whose records carry `plugin: <name>`. */
  readonly logger: Logger;
  /**
   * The knex instance of Visor's database (SQLite or PostgreSQL). Create the
   * plugin's own tables in `beforeStart`, named with a prefix of its own;
   * Visor's tables (`images`, `image_properties`, `visor_instances`) are not
   * a plugin's to change.
   */
  readonly db: Knex;
  readonly config: PluginHostConfig;
  /** The URL the REST API listens on, once `listen()` resolved; undefined before (and in-process). */
  readonly url: string | undefined;
  /** The dotted configuration key of this plugin's options, e.g. `plugins[1].options`: name it in ConfigErrors. */
  readonly optionsKey: string;
  /** Adds a REST route; its answer is encoded and negotiated like the core's. Call during `apply`. */
  addRoute(method: RouteMethod, path: string, handler: RouteHandler): void;
  /**
   * Runs an `after*`-style hook of the plugin's own (see `pluginHooks`) the way
   * the core runs its after-hooks: detached from the caller, a failing tap
   * logged (naming `name`), never thrown; Visor's close() waits for the run.
   */
  emitAfter<T extends unknown[]>(name: string, hook: AsyncSeriesHook<T>, ...args: T): void;
}
