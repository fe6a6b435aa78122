import { pathToFileURL } from 'node:url';
import { PluginError, pluginShapeProblems, type PluginByKind, type PluginKind } from '@visor/plugin-api';
import { resolvePlugin, type ResolvePluginOptions } from './resolve-plugin.js';

export interface LoadedPlugin<K extends PluginKind = PluginKind> {
  plugin: PluginByKind[K];
  /** The package that was found, or the absolute path for a plugin given as a file. */
  packageName: string;
  /** The absolute entry file that was imported. */
  path: string;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The module's default export, or the namespace itself when it has none. */
function exportedPlugin(namespace: Record<string, unknown>): unknown {
  const value = namespace.default === undefined ? namespace : namespace.default;
  // CommonJS compiled from ESM arrives as module.exports = { __esModule: true, default: plugin }.
  if (typeof value === 'object' && value !== null && (value as Record<string, unknown>).__esModule === true) {
    return (value as Record<string, unknown>).default ?? value;
  }
  return value;
}

/**
 * Resolves (see resolvePlugin), imports and checks the plugin `name` of `kind`.
 * Throws PluginNotFoundError when it is not installed, ConfigError for a
 * missing path, and PluginError when it fails to import or has the wrong shape.
 */
export async function loadPlugin<K extends PluginKind>(
  name: string,
  kind: K,
  baseDir: string,
  options: ResolvePluginOptions = {},
): Promise<LoadedPlugin<K>> {
  const { packageName, path } = await resolvePlugin(name, kind, baseDir, options);
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (cause) {
    throw new PluginError(name, `${packageName} failed to load from '${path}': ${messageOf(cause)}`, { cause });
  }
  const plugin = exportedPlugin(namespace);
  const problems = pluginShapeProblems(plugin, kind);
  if (problems.length > 0) {
    throw new PluginError(name, `${packageName} ('${path}') is not a valid ${kind} plugin: ${problems.join('; ')}`);
  }
  return { plugin: plugin as PluginByKind[K], packageName, path };
}
