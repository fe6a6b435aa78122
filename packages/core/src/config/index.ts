export type { DatabaseConfig, EncoderConfig, LimitsConfig, PluginConfig, StoreConfig, VisorConfig } from './types.js';
export { CONFIG_DEFAULTS } from './defaults.js';
export type { Environment } from './env-overrides.js';
export { CONFIG_KEYS, resolveConfig, type ResolveConfigOptions } from './resolve-config.js';
export { loadConfig, type LoadConfigOptions } from './load-config.js';
export { CONFIG_SEARCH_PLACES } from './find-config-file.js';
export { parseDatabaseUrl } from './resolve-database.js';
export { LOG_LEVELS } from './server-settings.js';
export { STORE_NAME } from './resolve-stores.js';
