import { ConfigError } from '@visor/plugin-api';
import { resolveS3Options, takeHostEndpoint, type ResolvedS3Options } from '@visor/backend-s3';

/**
 * The options of a `walrus` store (`stores.<name>.options`); defaults in
 * the package README. Besides host, port and service path, the S3
 * backend's options that apply to Walrus.
 */
export interface WalrusBackendOptions {
  /** The Walrus (object storage gateway) host name or address. Required. */
  host?: string;
  /** Default 8773. */
  port?: number;
  /** The path Walrus is served under; default `/services/Walrus` (4.x: also `/services/objectstorage`). */
  servicePath?: string;
  bucket?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  /** `v2` (default: every Walrus version) or `v4` (Eucalyptus 4.4 and later). */
  signatureVersion?: 'v2' | 'v4';
  /** The region SigV4 signs for (`v4` only); default as the S3 backend's. */
  region?: string;
  prefix?: string;
  partSizeMiB?: number;
  queueSize?: number;
  /** Largest part size in MiB; as the S3 backend's (default 64). */
  maxPartSizeMiB?: number;
  createBucket?: boolean;
  redirectDownloads?: boolean;
  requestTimeoutSeconds?: number;
  connectTimeoutSeconds?: number;
  maxAttempts?: number;
}

export const WALRUS_DEFAULT_PORT = 8773;
export const WALRUS_DEFAULT_SERVICE_PATH = '/services/Walrus';

const KNOWN_OPTIONS = [
  'host',
  'port',
  'servicePath',
  'bucket',
  'accessKeyId',
  'secretAccessKey',
  'sessionToken',
  'signatureVersion',
  'region',
  'prefix',
  'partSizeMiB',
  'queueSize',
  'maxPartSizeMiB',
  'createBucket',
  'redirectDownloads',
  'requestTimeoutSeconds',
  'connectTimeoutSeconds',
  'maxAttempts',
] as const;

export interface ResolvedWalrusOptions {
  s3: ResolvedS3Options;
  /** Without a trailing slash; '' when Walrus is at the root. */
  servicePath: string;
}

/**
 * Validates a `walrus` store's options and resolves them to the S3
 * backend's: endpoint `http://<host>:<port><servicePath>`, path-style
 * addressing, Signature Version 2 unless `signatureVersion: 'v4'`. Throws
 * ConfigError naming `<optionsKey>.<option>`; options Walrus has no use for
 * (`endpoint`, `storageClass`, `sse` ...) are unknown settings here.
 */
export function resolveWalrusOptions(raw: unknown, optionsKey: string, env: NodeJS.ProcessEnv = process.env): ResolvedWalrusOptions {
  const { endpoint, rest } = takeHostEndpoint(raw, optionsKey, KNOWN_OPTIONS, {
    defaultPort: WALRUS_DEFAULT_PORT,
    pathOption: 'servicePath',
    defaultPath: WALRUS_DEFAULT_SERVICE_PATH,
  });
  if (rest.signatureVersion !== undefined && rest.signatureVersion !== 'v2' && rest.signatureVersion !== 'v4') {
    throw new ConfigError(`${optionsKey}.signatureVersion`, "must be 'v2' (every Walrus version) or 'v4' (Eucalyptus 4.4 and later)");
  }
  const s3 = resolveS3Options({ ...rest, endpoint, forcePathStyle: true, signatureVersion: rest.signatureVersion ?? 'v2' }, optionsKey, env);
  return { s3, servicePath: new URL(endpoint).pathname.replace(/\/+$/, '') };
}
