import type { Readable } from 'node:stream';
import { DeleteObjectCommand, HeadObjectCommand, type PutObjectCommandInput, type S3Client } from '@aws-sdk/client-s3';
import {
  WRITABLE_STORE,
  type Backend,
  type BackendCapabilities,
  type BackendHealth,
  type CleanupOptions,
  type GetOptions,
  type GetResult,
  type Logger,
  type ObjectInfo,
  type PutOptions,
  type PutResult,
  type RedirectOptions,
  BackendError,
} from '@visor/plugin-api';
import { failureCode, s3Failure, statusOf, tooLarge } from './errors.js';
import { downloadObject, type Download } from './download.js';
import { CONTROL_TIMEOUT_MS } from './deadline.js';
import { bucketHealth, storeProblem } from './health.js';
import { ObjectLocations } from './locations.js';
import type { ResolvedS3Options } from './options.js';
import { presignedUrl } from './presign.js';
import { presignV2, type V2Credentials } from './signature-v2/index.js';
import { putSingleObject } from './single-put.js';
import { abortStaleUploads, type UploadListing } from './stale-uploads.js';
import { MAX_PARTS, uploadObject } from './upload.js';
import { UploadsInProgress } from './uploads-in-progress.js';

const MiB = 1024 * 1024;

/** How a package built on this one (Walrus, Cumulus) names its stores and locations. */
export interface S3BackendIdentity {
  /** The backend type, e.g. `s3`, `walrus`. */
  type: string;
  /** The location scheme, e.g. `s3` for `s3://bucket/key`. */
  scheme: string;
}

/** How a store talks to its server, beyond the options (set by presets for S3 dialects). */
export interface S3Dialect {
  /**
   * `multipart` (default): uploads stream as multipart uploads (one
   * PutObject when they fit in a part). `single`: every upload is one
   * streamed PutObject with its Content-Length, for servers without
   * multipart uploads; needs the `sizeRequired` capability.
   */
  uploads: 'multipart' | 'single';
  /** Signature Version 2: a path prefix left out of the signed resource (Walrus's `/services/Walrus`). */
  unsignedPathPrefix?: string;
}

/**
 * An S3 bucket: writes and deletes, ranges served by the store, presigned
 * URLs, locations known before writing. No positional reads (each would be
 * a request), no size required up front (multipart uploads take a stream).
 */
export const S3_CAPABILITIES: BackendCapabilities = Object.freeze({ ...WRITABLE_STORE, rangeReads: true, redirects: true, locateBeforeWrite: true });

/**
 * A store in an S3 bucket (AWS or an S3-compatible server); see the package
 * README for options and guarantees. Objects live at `<prefix><key>` in the
 * bucket; locations are `s3://<bucket>/<prefix><key>`.
 */
export class S3Backend implements Backend {
  readonly type: string;
  readonly capabilities: BackendCapabilities;
  /** The `redirectDownloads` option: the core answers downloads with a 302 to `redirectUrl`. */
  readonly redirectDownloads: boolean;
  readonly locations: ObjectLocations;
  private readonly inProgress = new UploadsInProgress();
  private readonly listing: UploadListing = { supported: undefined };
  /** An option the server refused the last upload for (see noteRefusedOption), until an upload succeeds. */
  constructor(
    readonly name: string,
    readonly options: ResolvedS3Options,
    /** The SDK client; tests and presets may use it directly. */
    readonly client: S3Client,
    private readonly logger: Logger,
    identity: S3BackendIdentity = { type: 's3', scheme: 's3' },
    capabilities: BackendCapabilities = S3_CAPABILITIES,
    readonly dialect: S3Dialect = { uploads: 'multipart' },
  ) {
    if (dialect.uploads === 'single' && !capabilities.sizeRequired) {
      throw new TypeError('an S3 store uploading with single PutObjects must declare the sizeRequired capability');
    }
    this.type = identity.type;
    this.capabilities = capabilities;
    this.redirectDownloads = options.redirectDownloads;
    this.locations = new ObjectLocations(name, options.bucket, options.prefix, identity.scheme);
    this.inProgress.watch(client);
  }

  private objectParams(): Pick<PutObjectCommandInput, 'StorageClass' | 'ServerSideEncryption' | 'SSEKMSKeyId'> {
    const { storageClass, sse, kmsKeyId } = this.options;
    return {
      ...(storageClass === undefined ? {} : { StorageClass: storageClass as PutObjectCommandInput['StorageClass'] }),
      ...(sse === undefined ? {} : { ServerSideEncryption: sse }),
      ...(kmsKeyId === undefined ? {} : { SSEKMSKeyId: kmsKeyId }),
    };
  }

  /**
   * Part size and parts in flight for an upload. Parts are `partSizeMiB`, or larger where 10 000
   * of them could not hold the object (its declared size, else the largest the core accepts,
   * `maxBytes`), but never over `maxPartSizeMiB`; larger parts go fewer at a time (at least two),
   * so that an upload holds (queue + 2) × part at most. Without a size or limit, an upload stops
   * at 10 000 parts with PayloadTooLargeError.
   * Throws PayloadTooLargeError for a declared size 10 000 of the largest parts cannot hold:
   * memory follows the size a client declares, and no byte of such an upload is read.
   */
  partsFor(key: string, options: PutOptions): { partSize: number; queueSize: number } {
    const { partSize, maxPartSize, queueSize } = this.options;
    const largest = maxPartSize * MAX_PARTS;
    if (options.size !== undefined && options.size > largest) {
      throw tooLarge(
        this.name,
        key,
        `the image is ${options.size} bytes (as declared), more than this store takes: ${MAX_PARTS} parts of at most ${maxPartSize / MiB} MiB (option maxPartSizeMiB), ${largest} bytes; nothing was stored`,
      );
    }
    const bound = options.size ?? options.maxBytes ?? 0;
    const size = Math.min(maxPartSize, Math.max(partSize, Math.ceil(bound / MAX_PARTS)));
    // At least two in flight (unless queueSize is 1), so that reading from the client and sending to
    // the store overlap: lib-storage's one worker would otherwise stop reading while a part goes up.
    return { partSize: size, queueSize: Math.max(Math.min(2, queueSize), Math.min(queueSize, Math.floor((queueSize * partSize) / size))) };
  }

  async put(key: string, source: Readable, options: PutOptions = {}): Promise<PutResult> {
    const objectKey = this.locations.objectKey(key);
    try {
      const request = {
        client: this.client,
        bucket: this.options.bucket,
        objectKey,
        ...this.partsFor(key, options),
        objectParams: this.objectParams(),
        size: options.size,
        signal: options.signal,
        inProgress: this.inProgress,
        listing: this.listing,
        logger: this.logger,
        store: this.name,
      };
      let stored;
      if (this.dialect.uploads === 'multipart') stored = await uploadObject(source, request);
      else if (options.size === undefined) {
        source.destroy();
        throw new BackendError(this.name, key, 'this store takes only uploads of a declared size (one PutObject with its Content-Length); nothing was stored');
      } else stored = await putSingleObject(source, { ...request, size: options.size });
      this.refusedOption = undefined;
      return {
        location: this.locations.locationOf(key),
        size: stored.size,
        ...(stored.etag === undefined ? {} : { etag: stored.etag }),
        ...(stored.versionId === undefined ? {} : { version: stored.versionId }),
      };
    } catch (error) {
      this.noteRefusedOption(error);
      throw s3Failure(error, this.name, key, 'storing the object');
    }
  }

  /**
   * The server refused an upload for an option it does not take (a storage class or a server-side
   * encryption it lacks): every upload would fail alike, so health() says so, naming the option,
   * until an upload succeeds. Codes: AWS S3 API Reference, "Error responses"; OpenStack Swift's
   * s3api answers InvalidStorageClass and NotImplemented.
   */
  private noteRefusedOption(error: unknown): void {
    const code = failureCode(error);
    const { storageClass, sse, kmsKeyId } = this.options;
    let option: string | undefined;
    if (code === 'InvalidStorageClass' && storageClass !== undefined) option = 'storageClass';
    else if (sse !== undefined && (code === 'NotImplemented' || code === 'InvalidEncryptionAlgorithmError')) option = 'sse';
    else if (kmsKeyId !== undefined && code.startsWith('KMS.')) option = 'kmsKeyId';
    if (option !== undefined) this.refusedOption = { option, code };
  }

  private refusedOption: { option: string; code: string } | undefined;

  locationOf(key: string): string {
    return this.locations.locationOf(key);
  }

  /** The object's bytes (or a range of them) with what the store said of it. */
  download(location: string, options: GetOptions = {}): Promise<Download> {
    const key = this.locations.keyOf(location);
    return downloadObject({
      client: this.client,
      bucket: this.options.bucket,
      objectKey: this.locations.objectKey(key),
      range: options.range,
      signal: options.signal,
      skipRanges: !this.capabilities.rangeReads,
      store: this.name,
      key,
    });
  }

  async get(location: string, options: GetOptions = {}): Promise<GetResult> {
    const { body, size, etag, versionId } = await this.download(location, options);
    return { body, info: { size, ...(etag === undefined ? {} : { etag }), ...(versionId === undefined ? {} : { version: versionId }) } };
  }

  async stat(location: string): Promise<ObjectInfo> {
    const key = this.locations.keyOf(location);
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.locations.objectKey(key) }));
      return {
        size: head.ContentLength ?? 0,
        ...(head.LastModified ? { modifiedAt: head.LastModified } : {}),
        ...(head.ETag === undefined ? {} : { etag: head.ETag }),
        ...(head.VersionId === undefined ? {} : { version: head.VersionId }),
      };
    } catch (error) {
      throw await this.explainHeadFailure(error, key, 'HeadObject');
    }
  }

  /**
   * S3's DeleteObject succeeds for a missing key, so the object is looked up
   * first: deleting a missing object rejects with ObjectNotFoundError, as
   * the contract asks. On Swift, s3api deletes a multipart object's
   * segments with it.
   */
  async delete(location: string): Promise<void> {
    await this.stat(location);
    const key = this.locations.keyOf(location);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.locations.objectKey(key) }));
    } catch (error) {
      throw s3Failure(error, this.name, key, 'DeleteObject');
    }
  }

  /**
   * A HEAD answer has no body: a 404 cannot say whether the object or the
   * bucket is missing, a 403 not which credential is wrong. Only then is
   * the store checked with a listing (whose error body names the S3 code),
   * and a store problem it finds (no bucket, a wrong secret) reported instead.
   */
  private async explainHeadFailure(error: unknown, key: string, operation: string): Promise<unknown> {
    const mapped = s3Failure(error, this.name, key, operation);
    const status = statusOf(error);
    if (status !== 404 && status !== 403) return mapped;
    const problem = await storeProblem(this.client, this.locations);
    return problem === undefined ? mapped : s3Failure(problem, this.name, key, operation);
  }

  /** How long a control request (health, the sweep's listings and aborts) may take, retries included. */
  private get controlTimeoutMs(): number {
    return Math.min(this.options.requestTimeoutMs, CONTROL_TIMEOUT_MS);
  }

  async health(): Promise<BackendHealth> {
    const refused = this.refusedOption;
    if (refused !== undefined) {
      return { ok: false, message: `the server refused the last upload for option '${refused.option}' (${refused.code}): every upload fails until it is changed` };
    }
    return bucketHealth(this.client, this.locations, this.controlTimeoutMs);
  }

  /** Aborts stale multipart uploads; a store uploading with single PutObjects has none (a cut PUT leaves nothing) and resolves to 0. */
  async cleanup(options: CleanupOptions = {}): Promise<number> {
    if (this.dialect.uploads === 'single') return 0;
    try {
      return await abortStaleUploads({
        client: this.client,
        listing: this.listing,
        locations: this.locations,
        inProgress: this.inProgress,
        minAgeMs: options.minAgeMs,
        logger: this.logger,
        store: this.name,
        timeoutMs: this.controlTimeoutMs,
      });
    } catch (error) {
      // Only logs see this (never a client, unlike health()'s message): the bucket may be named.
      throw s3Failure(error, this.name, undefined, `aborting stale multipart uploads in bucket '${this.options.bucket}'`);
    }
  }

  /**
   * A presigned URL for the object at `location`, valid `expiresIn` seconds
   * (at most 604 800, SigV4's limit): query-string SigV4, or with
   * `signatureVersion: 'v2'` the Signature Version 2 form (`AWSAccessKeyId`,
   * `Expires`, `Signature`).
   */
  async redirectUrl(location: string, options: RedirectOptions): Promise<string> {
    const key = this.locations.keyOf(location);
    if (this.options.signatureVersion === 'v2') {
      const { endpoint } = this.options;
      if (endpoint === undefined) throw new BackendError(this.name, key, 'Signature Version 2 presigned URLs need an endpoint');
      return presignV2({
        endpoint,
        bucket: this.options.bucket,
        objectKey: this.locations.objectKey(key),
        method: options.method,
        expiresIn: options.expiresIn,
        credentials: () => this.client.config.credentials() as Promise<V2Credentials>,
        unsignedPathPrefix: this.dialect.unsignedPathPrefix,
        now: Date.now() + (this.client.config.systemClockOffset ?? 0),
      });
    }
    return presignedUrl({
      client: this.client,
      bucket: this.options.bucket,
      objectKey: this.locations.objectKey(key),
      expiresIn: options.expiresIn,
      method: options.method,
    });
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
