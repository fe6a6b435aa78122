import {
  ConfigError,
  expectObject,
  expectOptions,
  expectString,
  fail,
  isPlainObject,
  pluginShapeProblems,
  type BackendPlugin,
} from '@visor/plugin-api';
import { CONFIG_DEFAULTS } from './defaults.js';
import type { StoreConfig } from './types.js';

export const STORE_NAME = /^[a-z][a-z0-9_-]{0,63}$/;

function resolveBackend(value: unknown, key: string): Pick<StoreConfig, 'backend' | 'plugin'> {
  if (typeof value === 'string') return { backend: expectString(value, key) };
  if (isPlainObject(value)) {
    const problems = pluginShapeProblems(value, 'backend');
    if (problems.length > 0) throw new ConfigError(key, `is not a valid backend plugin object: ${problems.join('; ')}`);
    const plugin = value as unknown as BackendPlugin;
    return { backend: plugin.type, plugin };
  }
  if (value === undefined) throw new ConfigError(key, "is required: a backend name such as 'fs', or a BackendPlugin object");
  fail(key, "must be a backend name such as 'fs', or a BackendPlugin object", value);
}

function resolveStore(value: unknown, key: string): StoreConfig {
  const raw = expectObject(value, key, ['backend', 'options']);
  return { ...resolveBackend(raw.backend, `${key}.backend`), options: expectOptions(raw.options, `${key}.options`) };
}

/**
 * The `stores` section: store name -> `{ backend, options }`. The result has
 * no prototype so that looking up an unconfigured name (`toString`) finds nothing.
 */
export function resolveStores(value: unknown): Record<string, StoreConfig> {
  const stores: Record<string, StoreConfig> = Object.create(null);
  if (value === undefined) {
    for (const [name, store] of Object.entries(CONFIG_DEFAULTS.stores)) {
      stores[name] = { backend: store.backend, options: { ...store.options } };
    }
    return stores;
  }
  if (!isPlainObject(value)) fail('stores', 'must be an object mapping store names to { backend, options }', value);
  const names = Object.keys(value);
  if (names.length === 0) throw new ConfigError('stores', 'must configure at least one store');
  for (const name of names) {
    const key = `stores.${name}`;
    if (!STORE_NAME.test(name)) {
      throw new ConfigError(key, 'bad store name: use 1-64 lowercase letters, digits, _ or -, starting with a letter');
    }
    stores[name] = resolveStore(value[name], key);
  }
  return stores;
}

/** `defaultStore`, or `default` when configured, or the only store. */
export function resolveDefaultStore(value: unknown, stores: Record<string, StoreConfig>): string {
  const names = Object.keys(stores);
  if (value === undefined) {
    if (Object.hasOwn(stores, 'default')) return 'default';
    if (names.length === 1 && names[0] !== undefined) return names[0];
    throw new ConfigError(
      'defaultStore',
      `is required when there are several stores and none is named 'default' (configured: ${names.join(', ')})`,
    );
  }
  const name = expectString(value, 'defaultStore');
  if (!Object.hasOwn(stores, name)) {
    throw new ConfigError('defaultStore', `names no configured store: '${name}' (configured: ${names.join(', ')})`);
  }
  return name;
}
