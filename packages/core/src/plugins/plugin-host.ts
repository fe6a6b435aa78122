import type { Knex } from 'knex';
import type { AfterHooks } from '../hooks/after-hooks.js';
import type { ImageOperations, Logger, PluginHost, PluginHostConfig, RouteHandler, RouteMethod, VisorHooks } from '@visor/plugin-api';

/** What the core lends every extension plugin's host. */
export interface PluginHostSource {
  hooks: VisorHooks;
  images: ImageOperations;
  logger: Logger;
  db: Knex;
  config: PluginHostConfig;
  /** The listening URL, once there is one. */
  url(): string | undefined;
  /** Routes plugins add, added to the server when it is built. */
  routes: Array<{ method: RouteMethod; path: string; handler: RouteHandler }>;
  /** Runs plugins' own after-style hooks, detached, as the core runs its own. */
  afterHooks: AfterHooks;
}

/** The host handed to the extension plugin configured at `plugins[index]`. */
export function createPluginHost(source: PluginHostSource, name: string, index: number): PluginHost {
  const { config } = source;
  return {
    hooks: source.hooks,
    images: source.images,
    logger: source.logger.child({ plugin: name }),
    db: source.db,
    config: Object.freeze({ dataDir: config.dataDir, baseDir: config.baseDir, publicUrl: config.publicUrl }),
    get url() {
      return source.url();
    },
    optionsKey: `plugins[${index}].options`,
    addRoute(method, path, handler) {
      source.routes.push({ method, path, handler });
    },
    emitAfter(hookName, hook, ...args) {
      source.afterHooks.emit(hookName, hook, ...args);
    },
  };
}
