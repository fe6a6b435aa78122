import { PluginError, type AnyPlugin, type Logger } from '@visor/plugin-api';
import type { VisorConfig } from '../config/index.js';
import { loadPlugin } from '../plugins/index.js';
import { StoreBackend, type BackendCallObserver } from './store-backend.js';

/** Told of every plugin loaded, before it is used (the API version warning, its error codes). */
export type PluginLoaded = (name: string, plugin: AnyPlugin) => void;

/**
 * Creates the backend of every configured store, each behind the core's
 * StoreBackend wrapper. Backends created before a failure are closed again.
 */
export async function openStores(
  config: VisorConfig,
  logger: Logger,
  loaded: PluginLoaded,
  observe?: BackendCallObserver,
): Promise<Map<string, StoreBackend>> {
  const stores = new Map<string, StoreBackend>();
  try {
    for (const [name, store] of Object.entries(config.stores)) {
      const plugin = store.plugin ?? (await loadPlugin(store.backend, 'backend', config.baseDir)).plugin;
      loaded(store.backend, plugin);
      const storeLogger = logger.child({ store: name });
      const backend = await plugin.create(store.options, {
        name,
        dataDir: config.dataDir,
        baseDir: config.baseDir,
        optionsKey: `stores.${name}.options`,
        logger: storeLogger,
      });
      if (backend.name !== name) {
        await backend.close?.().catch(() => undefined);
        throw new PluginError(store.backend, `backend created for store '${name}' calls itself '${backend.name}'`);
      }
      try {
        stores.set(name, StoreBackend.wrap(backend, store.backend, storeLogger, observe));
      } catch (error) {
        await backend.close?.().catch(() => undefined);
        throw error;
      }
    }
    return stores;
  } catch (error) {
    for (const backend of stores.values()) await backend.close().catch(() => undefined);
    throw error;
  }
}
