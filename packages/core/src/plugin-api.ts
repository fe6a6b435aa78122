/**
 * `@visor/core/plugin`, kept for plugins written before `@visor/plugin-api`
 * existed: it is that package, re-exported. New plugins import
 * `@visor/plugin-api` and list it as a peer dependency.
 */
export * from '@visor/plugin-api';
