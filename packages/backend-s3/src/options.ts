import { ConfigError, expectInteger, expectNumber, expectObject, expectOneOf, expectString } from '@visor/plugin-api';

/**
 * The options a store of backend `s3` accepts in the configuration
 * (`stores.<name>.options`). Defaults are in the package README.
 */
export interface S3BackendOptions {
  /** The bucket holding the images. Required. */
  bucket?: string;
  /** Region to sign for; default AWS_REGION, AWS_DEFAULT_REGION, else `us-east-1`. */
  region?: string;
  /** Base URL of an S3-compatible server (`http://host:port`); default: AWS's endpoint for the region. */
  endpoint?: string;
  /** Path-style addressing (`endpoint/bucket/key`); default true with `endpoint`, false without. */
  forcePathStyle?: boolean;
  /** Static credentials; without them the SDK's default chain (environment, shared files, instance role). */
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  /** A folder inside the bucket for every object, e.g. `visor/images/`; default none. */
  prefix?: string;
  /** Multipart part size in MiB (5 to 5120); default 8. */
  partSizeMiB?: number;
  /** Parts uploaded at once per upload (1 to 32); default 4. */
  queueSize?: number;
  /**
   * Largest part size in MiB (5 to 5120, not below partSizeMiB); default 64. Parts grow past
   * partSizeMiB only for objects that 10 000 parts of it cannot hold; this caps them, and with them
   * the memory an upload holds: objects over 10 000 × maxPartSizeMiB are refused (413).
   */
  maxPartSizeMiB?: number;
  /** Create the bucket at start when it does not exist; default false. */
  createBucket?: boolean;
  /** Storage class of new objects; default the bucket's. */
  storageClass?: string;
  /** Server-side encryption of new objects; default the bucket's. */
  sse?: 'AES256' | 'aws:kms';
  /** KMS key for `sse: 'aws:kms'`; default the account's S3 key. */
  kmsKeyId?: string;
  /** Answer downloads with a redirect to a presigned URL; default false. */
  redirectDownloads?: boolean;
  /** Seconds a request may wait for the server without a byte moving; default 60. */
  requestTimeoutSeconds?: number;
  /** Seconds to wait for a TCP connection; default 10. */
  connectTimeoutSeconds?: number;
  /** Attempts per request, first included (1 to 10); default 3. */
  maxAttempts?: number;
  /**
   * Request signing: `v4` (AWS Signature Version 4) or `v2` (Signature
   * Version 2, HMAC-SHA1, for servers that predate SigV4: Eucalyptus Walrus
   * up to 4.3, Nimbus Cumulus); default `v4`.
   */
  signatureVersion?: 'v4' | 'v2';
}

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Options after validation, with defaults filled in. */
export interface ResolvedS3Options {
  bucket: string;
  region: string;
  endpoint: string | undefined;
  forcePathStyle: boolean;
  /** Undefined: the SDK's default credential chain. */
  credentials: StaticCredentials | undefined;
  /** Empty, or ends with `/`. */
  prefix: string;
  /** Bytes. */
  partSize: number;
  queueSize: number;
  /** Bytes; at least partSize. */
  maxPartSize: number;
  createBucket: boolean;
  storageClass: string | undefined;
  sse: 'AES256' | 'aws:kms' | undefined;
  kmsKeyId: string | undefined;
  redirectDownloads: boolean;
  /** Milliseconds. */
  requestTimeoutMs: number;
  /** Milliseconds. */
  connectTimeoutMs: number;
  maxAttempts: number;
  signatureVersion: 'v4' | 'v2';
}

export const MiB = 1024 * 1024;

const KNOWN_OPTIONS = [
  'bucket',
  'region',
  'endpoint',
  'forcePathStyle',
  'accessKeyId',
  'secretAccessKey',
  'sessionToken',
  'prefix',
  'partSizeMiB',
  'queueSize',
  'maxPartSizeMiB',
  'createBucket',
  'storageClass',
  'sse',
  'kmsKeyId',
  'redirectDownloads',
  'requestTimeoutSeconds',
  'connectTimeoutSeconds',
  'maxAttempts',
  'signatureVersion',
] as const;

/**
 * Storage classes whose objects can be read at once (GLACIER and
 * DEEP_ARCHIVE objects must be restored first, so an image stored there
 * could not be downloaded). AWS S3 API reference, PutObject, x-amz-storage-class.
 */
export const READABLE_STORAGE_CLASSES = ['STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR', 'EXPRESS_ONEZONE'] as const;

/** AWS "Bucket naming rules": 3-63 characters, lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** Prefix segments: the characters a key may have, no empty, `.` or `..` segment. */
const PREFIX_SEGMENT = /^[A-Za-z0-9._-]+$/;

type Values = Record<string, unknown>;

/** Reads one option at a time through the plugin API's checks, naming `<optionsKey>.<option>` in every error. */
class OptionReader {
  constructor(
    private readonly optionsKey: string,
    private readonly values: Values,
  ) {}

  key(option: string): string {
    return `${this.optionsKey}.${option}`;
  }

  fail(option: string, message: string): never {
    throw new ConfigError(this.key(option), message);
  }

  raw(option: string): unknown {
    return this.values[option];
  }

  string(option: string): string | undefined {
    const value = this.values[option];
    if (value === undefined) return undefined;
    if (typeof value === 'string' && value.includes('\0')) this.fail(option, 'must not contain NUL characters');
    return expectString(value, this.key(option));
  }

  /**
   * A credential (secret key, session token): a wrong one is refused
   * without showing its value, since the message goes to the console and
   * the logs. A YAML secret of digits only is read as a number: say so.
   */
  secret(option: string): string | undefined {
    const value = this.values[option];
    if (value === undefined) return undefined;
    if (typeof value === 'number') this.fail(option, 'must be a string, not a number: quote it in YAML (its value is not shown)');
    if (typeof value !== 'string' || value.trim() === '') this.fail(option, 'must be a non-empty string (its value is not shown)');
    if (value.includes('\0')) this.fail(option, 'must not contain NUL characters');
    return value;
  }

  boolean(option: string, fallback: boolean): boolean {
    const value = this.values[option];
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') this.fail(option, 'must be true or false');
    return value;
  }

  number(option: string, fallback: number, min: number, max: number): number {
    const value = this.values[option];
    return value === undefined ? fallback : expectNumber(value, this.key(option), min, max);
  }

  integer(option: string, fallback: number, min: number, max: number): number {
    const value = this.values[option];
    return value === undefined ? fallback : expectInteger(value, this.key(option), min, max);
  }

  oneOf<T extends string>(option: string, allowed: readonly T[]): T | undefined {
    const value = this.values[option];
    return value === undefined ? undefined : expectOneOf(value, this.key(option), allowed);
  }
}

function resolveBucket(read: OptionReader): string {
  const bucket = read.string('bucket');
  if (bucket === undefined) read.fail('bucket', 'is required: the name of the bucket holding the images');
  if (!BUCKET_NAME.test(bucket) || bucket.includes('..')) {
    read.fail('bucket', 'must be a valid bucket name: 3-63 characters of a-z 0-9 . - starting and ending with a letter or digit');
  }
  return bucket;
}

function resolveEndpoint(read: OptionReader): string | undefined {
  const endpoint = read.string('endpoint');
  if (endpoint === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    read.fail('endpoint', 'must be an http:// or https:// URL, e.g. http://127.0.0.1:8080');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') read.fail('endpoint', 'must be an http:// or https:// URL');
  if (url.username !== '' || url.password !== '') read.fail('endpoint', 'must not contain credentials: use accessKeyId and secretAccessKey');
  if (url.search !== '' || url.hash !== '') read.fail('endpoint', 'must not have a query or fragment');
  return endpoint.replace(/\/+$/, '');
}

function resolveCredentials(read: OptionReader): StaticCredentials | undefined {
  const accessKeyId = read.string('accessKeyId');
  const secretAccessKey = read.secret('secretAccessKey');
  const sessionToken = read.secret('sessionToken');
  if (accessKeyId === undefined && secretAccessKey === undefined) {
    if (sessionToken !== undefined) read.fail('sessionToken', 'needs accessKeyId and secretAccessKey');
    return undefined;
  }
  if (accessKeyId === undefined) read.fail('accessKeyId', 'is required with secretAccessKey (or leave both out for the default credential chain)');
  if (secretAccessKey === undefined) read.fail('secretAccessKey', 'is required with accessKeyId (or leave both out for the default credential chain)');
  return { accessKeyId, secretAccessKey, ...(sessionToken === undefined ? {} : { sessionToken }) };
}

/**
 * Part size and its cap, in bytes. S3 takes parts of 5 MiB to 5 GiB, at most 10 000 of them
 * (AWS S3 User Guide, "Amazon S3 multipart upload limits").
 */
function resolvePartSizes(read: OptionReader): { partSize: number; maxPartSize: number } {
  const partSizeMiB = read.number('partSizeMiB', 8, 5, 5120);
  const maxPartSizeMiB = read.number('maxPartSizeMiB', Math.max(64, partSizeMiB), 5, 5120);
  if (maxPartSizeMiB < partSizeMiB) read.fail('maxPartSizeMiB', `must not be below partSizeMiB (${partSizeMiB})`);
  return { partSize: Math.floor(partSizeMiB * MiB), maxPartSize: Math.floor(maxPartSizeMiB * MiB) };
}

/** `a/b` and `a/b/` both become `a/b/`; empty stays empty. */
function resolvePrefix(read: OptionReader): string {
  const value = read.raw('prefix');
  if (value === undefined || value === '') return '';
  if (typeof value !== 'string') read.fail('prefix', 'must be a string such as visor/images/');
  const segments = value.replace(/\/$/, '').split('/');
  if (segments.some((s) => !PREFIX_SEGMENT.test(s) || s === '.' || s === '..')) {
    read.fail('prefix', 'must be folder names of A-Z a-z 0-9 . _ - separated by /, without a leading /, empty, . or .. segment');
  }
  if (value.length > 512) read.fail('prefix', 'must be at most 512 characters');
  return `${segments.join('/')}/`;
}

function resolveEncryption(read: OptionReader): { sse: ResolvedS3Options['sse']; kmsKeyId: string | undefined } {
  const sse = read.oneOf('sse', ['AES256', 'aws:kms'] as const);
  const kmsKeyId = read.string('kmsKeyId');
  if (kmsKeyId !== undefined && sse !== 'aws:kms') read.fail('kmsKeyId', "applies only with sse: 'aws:kms'");
  return { sse, kmsKeyId };
}


/**
 * Validates a store's raw options and fills in defaults; throws ConfigError
 * naming `<optionsKey>.<option>` (e.g. `stores.images.options.bucket`) for
 * the first bad one. `env` supplies the default region.
 */
export function resolveS3Options(raw: unknown, optionsKey: string, env: NodeJS.ProcessEnv = process.env): ResolvedS3Options {
  if (raw === undefined || raw === null) throw new ConfigError(`${optionsKey}.bucket`, 'is required: the name of the bucket holding the images');
  const read = new OptionReader(optionsKey, expectObject(raw, optionsKey, KNOWN_OPTIONS, 'backend s3'));
  const bucket = resolveBucket(read);
  const endpoint = resolveEndpoint(read);
  return {
    bucket,
    region: read.string('region') ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    endpoint,
    forcePathStyle: read.boolean('forcePathStyle', endpoint !== undefined),
    credentials: resolveCredentials(read),
    prefix: resolvePrefix(read),
    ...resolvePartSizes(read),
    queueSize: read.integer('queueSize', 4, 1, 32),
    createBucket: read.boolean('createBucket', false),
    storageClass: read.oneOf('storageClass', READABLE_STORAGE_CLASSES),
    ...resolveEncryption(read),
    redirectDownloads: read.boolean('redirectDownloads', false),
    requestTimeoutMs: read.number('requestTimeoutSeconds', 60, 1, 3600) * 1000,
    connectTimeoutMs: read.number('connectTimeoutSeconds', 10, 1, 600) * 1000,
    maxAttempts: read.integer('maxAttempts', 3, 1, 10),
    signatureVersion: read.oneOf('signatureVersion', ['v4', 'v2'] as const) ?? 'v4',
  };
}
