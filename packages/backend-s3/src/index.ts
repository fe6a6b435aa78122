import { s3BackendPlugin } from './plugin.js';

export default s3BackendPlugin;
export { s3BackendPlugin, createS3Store, type S3StoreSetup } from './plugin.js';
export { S3Backend, S3_CAPABILITIES, type S3BackendIdentity, type S3Dialect } from './s3-backend.js';
export { resolveS3Options, READABLE_STORAGE_CLASSES, type S3BackendOptions, type ResolvedS3Options, type StaticCredentials } from './options.js';
export { createS3Client } from './client.js';
export { ObjectLocations } from './locations.js';
export { s3Failure, describeFailure } from './errors.js';
export type { Download } from './download.js';
export * from './signature-v2/index.js';
export { takeHostEndpoint, type HostEndpointOptions } from './preset-options.js';
