export * from './errors/index.js';
export type * from './backend/backend.js';
export type * from './encoding/encoder.js';
export type * from './hooks/contexts.js';
export type * from './http/route-registry.js';
export { createHooks, type VisorHooks } from './hooks/hooks.js';
export * from './metadata/image.js';
export { createLogger, silentLogger, type Logger, type LogLevel } from './util/logger.js';
