export * from './visor-error.js';
export * from './request-errors.js';
export * from './backend-errors.js';
export * from './config-errors.js';
