export { isPathSpecifier, pluginCandidates } from './plugin-names.js';
export { resolvePlugin, type ResolvedPlugin, type ResolvePluginOptions } from './resolve-plugin.js';
export { loadPlugin, type LoadedPlugin } from './load-plugin.js';
