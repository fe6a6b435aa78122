import type { Readable } from 'node:stream';
import { DeleteObjectCommand, HeadObjectCommand, type PutObjectCommandInput, type S3Client } from '@aws-sdk/client-s3';
import type {
  Backend,
  BackendHealth,
  CleanupOptions,
  GetOptions,
  Logger,
  ObjectStat,
  PutOptions,
  PutResult,
} from '@visor/core/plugin';
import { s3Failure, statusOf } from './errors.js';
import { downloadObject, type Download } from './download.js';
import { bucketHealth, storeProblem } from './health.js';
import { ObjectLocations } from './locations.js';
import type { ResolvedS3Options } from './options.js';
import { presignedUrl } from './presign.js';
import { abortStaleUploads } from './stale-uploads.js';
import { uploadObject } from './upload.js';
import { UploadsInProgress } from './uploads-in-progress.js';

/** What the store knows of an object after a put: its ETag and, in a versioned bucket, its version. */
export interface S3PutResult extends PutResult {
  etag: string | undefined;
  versionId: string | undefined;
}

export interface S3ObjectStat extends ObjectStat {
  etag: string | undefined;
}

export interface RedirectOptions {
  /** Seconds; default the store's `redirectExpiresInSeconds`. */
  expiresIn?: number;
  method?: 'GET' | 'HEAD';
}

/** How a package built on this one (Walrus, Cumulus) names its stores and locations. */
export interface S3BackendIdentity {
  /** The backend type, e.g. `s3`, `walrus`. */
  type: string;
  /** The location scheme, e.g. `s3` for `s3://bucket/key`. */
  scheme: string;
}

/**
 * A store in an S3 bucket (AWS or an S3-compatible server); see the package
 * README for options and guarantees. Objects live at `<prefix><key>` in the
 * bucket; locations are `s3://<bucket>/<prefix><key>`.
 */
export class S3Backend implements Backend {
  readonly type: string;
  readonly readOnly = false;
  readonly locations: ObjectLocations;
  private readonly inProgress = new UploadsInProgress();

  constructor(
    readonly name: string,
    readonly options: ResolvedS3Options,
    /** The SDK client; tests and presets may use it directly. */
    readonly client: S3Client,
    private readonly logger: Logger,
    identity: S3BackendIdentity = { type: 's3', scheme: 's3' },
  ) {
    this.type = identity.type;
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

  async put(key: string, source: Readable, options: PutOptions = {}): Promise<S3PutResult> {
    const objectKey = this.locations.objectKey(key);
    try {
      const stored = await uploadObject(source, {
        client: this.client,
        bucket: this.options.bucket,
        objectKey,
        partSize: this.options.partSize,
        queueSize: this.options.queueSize,
        objectParams: this.objectParams(),
        size: options.size,
        signal: options.signal,
        inProgress: this.inProgress,
        logger: this.logger,
        store: this.name,
      });
      return { location: this.locations.locationOf(key), ...stored };
    } catch (error) {
      throw s3Failure(error, this.name, key, 'storing the object');
    }
  }

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
      store: this.name,
      key,
    });
  }

  async get(location: string, options: GetOptions = {}): Promise<Readable> {
    return (await this.download(location, options)).body;
  }

  async stat(location: string): Promise<S3ObjectStat> {
    const key = this.locations.keyOf(location);
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.locations.objectKey(key) }));
      return { size: head.ContentLength ?? 0, ...(head.LastModified ? { modifiedAt: head.LastModified } : {}), etag: head.ETag };
    } catch (error) {
      throw await this.explainNotFound(error, key, 'HeadObject');
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
   * A HEAD answer has no body, so a 404 cannot say whether the object or
   * the bucket is missing; only then is the store checked, and a store
   * problem it finds (no bucket, refused credentials) reported instead.
   */
  private async explainNotFound(error: unknown, key: string, operation: string): Promise<unknown> {
    const mapped = s3Failure(error, this.name, key, operation);
    if (statusOf(error) !== 404) return mapped;
    const problem = await storeProblem(this.client, this.locations);
    return problem === undefined ? mapped : s3Failure(problem, this.name, key, operation);
  }

  health(): Promise<BackendHealth> {
    return bucketHealth(this.client, this.locations);
  }

  async cleanup(options: CleanupOptions = {}): Promise<number> {
    try {
      return await abortStaleUploads({
        client: this.client,
        locations: this.locations,
        inProgress: this.inProgress,
        minAgeMs: options.minAgeMs,
        logger: this.logger,
        store: this.name,
      });
    } catch (error) {
      throw s3Failure(error, this.name, undefined, 'aborting stale multipart uploads');
    }
  }

  /** A presigned URL for the object at `location`, valid `expiresIn` seconds. */
  async redirectUrl(location: string, options: RedirectOptions = {}): Promise<string> {
    const key = this.locations.keyOf(location);
    return presignedUrl({
      client: this.client,
      bucket: this.options.bucket,
      objectKey: this.locations.objectKey(key),
      expiresIn: options.expiresIn ?? this.options.redirectExpiresInSeconds,
      method: options.method ?? 'GET',
    });
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
