import { ConfigError, PluginError, type Logger } from '@visor/plugin-api';
import type { VisorConfig } from '../config/index.js';
import { registerErrorCodes } from '../http/error-status.js';
import { loadPlugin } from './load-plugin.js';
import { createPluginHost, type PluginHostSource } from './plugin-host.js';
import { warnIfUnversioned } from './unversioned.js';

/**
 * Loads and applies the extension plugins in their configured order, each
 * with a host of its own. A ConfigError (a bad option) stops Visor as it is;
 * anything else `apply` throws becomes a PluginError naming the plugin.
 */
export async function applyExtensions(config: VisorConfig, source: PluginHostSource, logger: Logger): Promise<void> {
  for (const [index, entry] of config.plugins.entries()) {
    const plugin = entry.plugin ?? (await loadPlugin(entry.name, 'extension', config.baseDir)).plugin;
    warnIfUnversioned(plugin, entry.name, logger);
    registerErrorCodes(entry.name, plugin.errorCodes);
    try {
      await plugin.apply(createPluginHost(source, plugin.name, index), entry.options);
    } catch (cause) {
      if (cause instanceof ConfigError) throw cause;
      throw new PluginError(entry.name, `failed to set up: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
  }
}
