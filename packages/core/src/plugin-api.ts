/**
 * The light entry point for plugin packages (`@visor/core/plugin`): the error
 * classes and the types a backend, encoder or extension needs, without loading
 * the server (restify, knex) the main entry brings.
 */
export * from './errors/index.js';
export type * from './backend/backend.js';
export type * from './encoding/encoder.js';
export type * from './hooks/contexts.js';
export type * from './http/route-registry.js';
export type { VisorHooks } from './hooks/hooks.js';
export * from './metadata/image.js';
export type { Logger, LogLevel } from './util/logger.js';
export { lineColumnAt } from './encoding/text-position.js';
export { readerStream, READ_CHUNK, type ReaderStreamOptions } from './backend/reader-stream.js';
export { firstForbidden, describeForbidden, escapeForbidden, quoted, characterCount, type ForbiddenCharacter } from './text/text-rules.js';
