import { fsBackendPlugin } from './plugin.js';

export default fsBackendPlugin;
export { fsBackendPlugin };
export { FsBackend } from './fs-backend.js';
export { StoreLayout } from './layout.js';
export { resolveFsOptions, type FsBackendOptions, type ResolvedFsOptions } from './options.js';
