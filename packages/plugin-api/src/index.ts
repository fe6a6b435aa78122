/**
 * `@visor/plugin-api`: what Visor plugins are written against. Backends,
 * encoders and extensions depend on this package (as a peer dependency),
 * never on `@visor/core`; it loads neither restify nor knex.
 */
export { PLUGIN_API_VERSION, apiVersionProblem } from './api-version.js';
export * from './errors/index.js';
export type * from './backend/backend.js';
export {
  CAPABILITY_METHODS,
  CAPABILITY_NAMES,
  READ_ONLY_SOURCE,
  WRITABLE_STORE,
  capabilityProblems,
  type BackendCapabilities,
} from './backend/capabilities.js';
export { readerStream, READ_CHUNK, type ReaderStreamOptions } from './backend/reader-stream.js';
export { skipToRange } from './backend/skip-to-range.js';
export { shownLocation } from './backend/shown-location.js';
export type * from './encoder/encoder.js';
export { lineColumnAt } from './encoder/text-position.js';
export type * from './hooks/contexts.js';
export { createHooks, type VisorHooks } from './hooks/hooks.js';
export { pluginHooks } from './hooks/plugin-hooks.js';
export {
  AsyncParallelHook,
  AsyncSeriesBailHook,
  AsyncSeriesHook,
  AsyncSeriesWaterfallHook,
  SyncBailHook,
  SyncHook,
  SyncWaterfallHook,
} from 'tapable';
export type * from './routes/route-registry.js';
export * from './image/image.js';
export type * from './images/image-operations.js';
export type * from './extension/extension-plugin.js';
export type * from './extension/plugin-host.js';
export type { AnyPlugin, PluginByKind, PluginKind } from './plugin/plugin-kind.js';
export { pluginShapeProblems, validatePlugin } from './plugin/validate-plugin.js';
export { silentLogger, type Logger, type LogLevel } from './logger.js';
export * from './options/value-checks.js';
export * from './options/known-keys.js';
export {
  characterCount,
  graphemeCount,
  describeForbidden,
  escapeForbidden,
  firstForbidden,
  quoted,
  type ForbiddenCharacter,
} from './text/text-rules.js';
export { namesUtf8 } from './text/utf8-label.js';
