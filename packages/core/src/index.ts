export * from '@visor/plugin-api';
export { createLogger, silentLogger } from './util/logger.js';
export * from './config/index.js';
export * from './plugins/index.js';
export type { ImageService } from './images/image-service.js';
export type { Digests } from './images/digest-stream.js';
export { createVisor, Visor, type CreateVisorOptions } from './visor.js';
export { VERSION } from './version.js';
