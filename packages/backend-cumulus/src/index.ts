import { cumulusBackendPlugin } from './plugin.js';

export default cumulusBackendPlugin;
export { cumulusBackendPlugin, createCumulusStore, CUMULUS_CAPABILITIES } from './plugin.js';
export { resolveCumulusOptions, CUMULUS_DEFAULT_PORT, type CumulusBackendOptions } from './options.js';
