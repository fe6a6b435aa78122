import { ConfigError, PluginError, type AnyPlugin } from '@visor/plugin-api';
import type { VisorConfig } from '../config/index.js';
import { loadPlugin } from './load-plugin.js';
import { createPluginHost, type PluginHostSource } from './plugin-host.js';

/**
 * Loads and applies the extension plugins in their configured order, each
 * with a host of its own. A ConfigError (a bad option) stops Visor as it is;
 * anything else `apply` throws becomes a PluginError naming the plugin.
 */
export async function applyExtensions(
  config: VisorConfig,
  source: PluginHostSource,
  loaded: (name: string, plugin: AnyPlugin) => void,
): Promise<void> {
  for (const [index, entry] of config.plugins.entries()) {
    const plugin = entry.plugin ?? (await loadPlugin(entry.name, 'extension', config.baseDir)).plugin;
    loaded(entry.name, plugin);
    try {
      await plugin.apply(createPluginHost(source, plugin.name, index), entry.options);
    } catch (cause) {
      if (cause instanceof ConfigError) throw cause;
      throw new PluginError(entry.name, `failed to set up: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
  }
}
