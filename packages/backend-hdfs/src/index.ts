import { hdfsBackendPlugin } from './plugin.js';

export default hdfsBackendPlugin;
export { hdfsBackendPlugin };
export { HdfsBackend, HDFS_CAPABILITIES } from './hdfs-backend.js';
export { StoreLayout } from './store-layout.js';
export { StoragePermissionError, StorageUnavailableError, storageFailure } from './errors.js';
export { resolveHdfsOptions, type HdfsBackendOptions, type ResolvedHdfsOptions } from './options.js';
export { WebHdfsClient, type WebHdfsClientOptions, type CreateOptions, type OpenOptions } from './webhdfs/webhdfs-client.js';
export { NamenodePool, shouldFailOver } from './webhdfs/namenode-pool.js';
export { datanodeUrl, type DatanodeRewrites } from './webhdfs/datanode-location.js';
export { WebHdfsRemoteError, WebHdfsConnectionError, WebHdfsProtocolError, NoActiveNamenodeError } from './webhdfs/errors.js';
export type { FileStatus, DirectoryListing } from './webhdfs/file-status.js';
