import { walrusBackendPlugin } from './plugin.js';

export default walrusBackendPlugin;
export { walrusBackendPlugin, createWalrusStore, WALRUS_CAPABILITIES } from './plugin.js';
export { resolveWalrusOptions, WALRUS_DEFAULT_PORT, WALRUS_DEFAULT_SERVICE_PATH, type WalrusBackendOptions, type ResolvedWalrusOptions } from './options.js';
