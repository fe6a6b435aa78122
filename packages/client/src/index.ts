export * from './signing/index.js';
export { VisorClient, type VisorClientOptions, type UploadOptions, type DownloadOptions, type Download } from './visor-client.js';
export { VisorClientError } from './errors.js';
export { ClientOptionsError } from './client-options.js';
export { type UploadBody } from './upload-body.js';
export { toMetaHeaders, fromMetaHeaders } from './meta-headers.js';
export type * from './types.js';
