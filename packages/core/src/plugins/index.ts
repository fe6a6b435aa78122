export type { AnyPlugin, PluginByKind, PluginKind } from './plugin-kind.js';
export { isPathSpecifier, pluginCandidates } from './plugin-names.js';
export { resolvePlugin, type ResolvedPlugin, type ResolvePluginOptions } from './resolve-plugin.js';
export { loadPlugin, type LoadedPlugin } from './load-plugin.js';
export { pluginShapeProblems, validatePlugin } from './validate-plugin.js';
