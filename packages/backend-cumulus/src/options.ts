import { ConfigError } from '@visor/plugin-api';
import { resolveS3Options, takeHostEndpoint, type ResolvedS3Options } from '@visor/backend-s3';

/**
 * The options of a `cumulus` store (`stores.<name>.options`); defaults in
 * the package README.
 */
export interface CumulusBackendOptions {
  /** The Cumulus host name or address. Required. */
  host?: string;
  /** Default 8888. */
  port?: number;
  bucket?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Only `v2`: Cumulus knows no other signature. */
  signatureVersion?: 'v2';
  prefix?: string;
  createBucket?: boolean;
  requestTimeoutSeconds?: number;
  connectTimeoutSeconds?: number;
  maxAttempts?: number;
}

export const CUMULUS_DEFAULT_PORT = 8888;

const KNOWN_OPTIONS = [
  'host',
  'port',
  'bucket',
  'accessKeyId',
  'secretAccessKey',
  'signatureVersion',
  'prefix',
  'createBucket',
  'requestTimeoutSeconds',
  'connectTimeoutSeconds',
  'maxAttempts',
] as const;

/**
 * Validates a `cumulus` store's options and resolves them to the S3
 * backend's: endpoint `http://<host>:<port>` (no path), path-style
 * addressing, Signature Version 2 always. Throws ConfigError naming
 * `<optionsKey>.<option>`; options Cumulus has no use for (`partSizeMiB`:
 * it has no multipart uploads; `redirectDownloads`; `region`) are unknown
 * settings here.
 */
export function resolveCumulusOptions(raw: unknown, optionsKey: string): ResolvedS3Options {
  const { endpoint, rest } = takeHostEndpoint(raw, optionsKey, KNOWN_OPTIONS, { defaultPort: CUMULUS_DEFAULT_PORT });
  if (rest.signatureVersion !== undefined && rest.signatureVersion !== 'v2') {
    throw new ConfigError(`${optionsKey}.signatureVersion`, "must be 'v2': Cumulus verifies Signature Version 2 only");
  }
  return resolveS3Options({ ...rest, endpoint, forcePathStyle: true, signatureVersion: 'v2' }, optionsKey, {});
}
