import { CONFIG_DEFAULTS } from './defaults.js';
import {
  ConfigError,
  expectObject,
  expectOptions,
  expectString,
  fail,
  isPlainObject,
  pluginShapeProblems,
  type ExtensionPluginLike,
} from '@visor/plugin-api';
import type { PluginConfig } from './types.js';

function inlinePlugin(value: Record<string, unknown>, key: string): ExtensionPluginLike {
  const problems = pluginShapeProblems(value, 'extension');
  if (problems.length > 0) throw new ConfigError(key, `is not a valid extension plugin object: ${problems.join('; ')}`);
  return value as unknown as ExtensionPluginLike;
}

/** Extension plugin objects are told apart from `{ name, options }` entries by their `kind` or `apply`. */
function looksLikePlugin(value: Record<string, unknown>): boolean {
  return 'kind' in value || 'apply' in value;
}

function resolveEntry(value: unknown, key: string): PluginConfig {
  if (typeof value === 'string') return { name: expectString(value, key), options: {} };
  if (!isPlainObject(value)) fail(key, 'must be a plugin name, { name, options }, or an extension plugin object', value);
  if (looksLikePlugin(value)) {
    const plugin = inlinePlugin(value, key);
    return { name: plugin.name, plugin, options: {} };
  }
  const raw = expectObject(value, key, ['name', 'options']);
  const options = expectOptions(raw.options, `${key}.options`);
  // `name` may itself be a plugin object, mirroring `stores.<name>.backend`, so inline plugins can take options.
  if (isPlainObject(raw.name)) {
    const plugin = inlinePlugin(raw.name, `${key}.name`);
    return { name: plugin.name, plugin, options };
  }
  if (raw.name === undefined) throw new ConfigError(`${key}.name`, 'is required: the plugin package name');
  return { name: expectString(raw.name, `${key}.name`), options };
}

/** The `plugins` list: names, `{ name, options }` entries, or extension plugin objects. */
export function resolveExtensions(value: unknown): PluginConfig[] {
  if (value === undefined) return CONFIG_DEFAULTS.plugins.map((name) => ({ name, options: {} }));
  if (!Array.isArray(value)) fail('plugins', 'must be a list of plugins', value);
  return value.map((item, index) => resolveEntry(item, `plugins[${index}]`));
}
