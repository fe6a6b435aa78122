import { PLUGIN_API_VERSION, type Logger } from '@visor/plugin-api';

const warned = new WeakSet<object>();

/**
 * Plugins written before the plugin API had versions declare none: they are
 * taken to be built for 1.0, with a warning (once per plugin object) asking
 * their authors to declare it.
 */
export function warnIfUnversioned(plugin: { apiVersion?: string }, name: string, logger: Logger): void {
  if (plugin.apiVersion !== undefined || warned.has(plugin)) return;
  warned.add(plugin);
  logger.warn(`plugin '${name}' declares no apiVersion; taken to be built for plugin API 1.0 (declare apiVersion: '${PLUGIN_API_VERSION}')`, { plugin: name });
}
