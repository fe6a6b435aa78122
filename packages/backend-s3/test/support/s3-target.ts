import { randomBytes } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateBucketCommand, ListMultipartUploadsCommand, ListObjectsV2Command, ListPartsCommand, S3Client } from '@aws-sdk/client-s3';
import { silentLogger, type Logger } from '@visor/plugin-api';
import { startS3rver, startSwift, type S3Credentials, type ServerProcess } from '@visor/test-servers';
import { createS3Store, resolveS3Options, type S3Backend } from '../../src/index.js';

/** A running S3 server with one bucket for the tests, and probes into it. */
export interface S3Target {
  /** `Swift all-in-one` or `s3rver`. */
  label: string;
  endpoint: string;
  region: string;
  credentials: S3Credentials;
  bucket: string;
  /** Whether the server lists and aborts multipart uploads (s3rver does neither). */
  multipartListing: boolean;
  /** A plain SDK client with the test user's credentials, for probes and setup. */
  admin: S3Client;
  /** The server processes (Swift only), e.g. to pause the object server. */
  processes?: ReadonlyMap<string, ServerProcess>;
  /** Multipart uploads left on the server under `prefix` (key and upload id), by whatever means the server offers. */
  pendingUploads(prefix: string): Promise<string[]>;
  stop(): Promise<void>;
}

export function sdkClient(endpoint: string, region: string, credentials: S3Credentials): S3Client {
  return new S3Client({
    endpoint,
    region,
    forcePathStyle: true,
    credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
  });
}

export function newBucketName(): string {
  return `visor-test-${randomBytes(5).toString('hex')}`;
}

/** A fresh `t-<random>/` prefix: each backend a test creates gets its own corner of the bucket. */
export function newPrefix(): string {
  return `t-${randomBytes(6).toString('hex')}/`;
}

async function listUploads(admin: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let marker: { KeyMarker?: string; UploadIdMarker?: string } = {};
  for (;;) {
    const page = await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix, ...marker }));
    for (const upload of page.Uploads ?? []) out.push(`${upload.Key} (upload ${upload.UploadId})`);
    if (!page.IsTruncated) return out;
    marker = { KeyMarker: page.NextKeyMarker, UploadIdMarker: page.NextUploadIdMarker };
  }
}

/** The OpenStack Swift all-in-one (main target: real signatures, real multipart). */
export async function swiftTarget(): Promise<S3Target> {
  const swift = await startSwift();
  const admin = sdkClient(swift.endpoint, swift.region, swift.credentials);
  const bucket = newBucketName();
  try {
    await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    await swift.stop();
    throw error;
  }
  return {
    label: 'Swift all-in-one',
    endpoint: swift.endpoint,
    region: swift.region,
    credentials: swift.credentials,
    bucket,
    multipartListing: true,
    admin,
    processes: swift.processes,
    pendingUploads: (prefix) => listUploads(admin, bucket, prefix),
    stop: async () => {
      admin.destroy();
      await swift.stop();
    },
  };
}

/** s3rver keeps a multipart upload's parts in `<bucket>/._S3rver_uploads/<upload id>/` until completed. */
async function s3rverUploadDirs(directory: string, bucket: string): Promise<string[]> {
  try {
    return (await readdir(join(directory, bucket, '._S3rver_uploads'))).map((id) => `upload ${id} (on disk)`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** s3rver in-process (second target: fast, but no signature checks and no multipart listing). */
export async function s3rverTarget(): Promise<S3Target & { directory: string }> {
  const bucket = newBucketName();
  const server = await startS3rver({ buckets: [bucket] });
  const admin = sdkClient(server.endpoint, server.region, server.credentials);
  return {
    label: 's3rver',
    endpoint: server.endpoint,
    region: server.region,
    credentials: server.credentials,
    bucket,
    multipartListing: false,
    admin,
    directory: server.directory,
    // s3rver files uploads by bucket, not key: every upload on disk counts, whatever the prefix.
    pendingUploads: () => s3rverUploadDirs(server.directory, bucket),
    stop: async () => {
      admin.destroy();
      await server.stop();
    },
  };
}

/** Builds a store on `target` through the package's own entry points, as the core would (options validated). */
export async function createBackend(target: S3Target, options: Record<string, unknown> = {}, name = 'images', logger: Logger = silentLogger): Promise<S3Backend> {
  const raw = {
    bucket: target.bucket,
    endpoint: target.endpoint,
    region: target.region,
    accessKeyId: target.credentials.accessKeyId,
    secretAccessKey: target.credentials.secretAccessKey,
    prefix: newPrefix(),
    partSizeMiB: 5,
    queueSize: 2,
    maxAttempts: 1,
    ...options,
  };
  return createS3Store(resolveS3Options(raw, `stores.${name}.options`), { name, dataDir: '/nonexistent', baseDir: '/nonexistent', optionsKey: `stores.${name}.options`, logger });
}

/** Every object under the backend's prefix, and every multipart upload in progress there. */
export async function listRaw(target: S3Target, backend: S3Backend): Promise<string[]> {
  const prefix = backend.options.prefix;
  const objects: string[] = [];
  let token: string | undefined;
  do {
    const page = await target.admin.send(new ListObjectsV2Command({ Bucket: target.bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) objects.push(object.Key!);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return [...objects.sort(), ...(await target.pendingUploads(prefix))];
}

/** Bytes stored under the prefix: whole objects plus the parts uploaded so far of uploads in progress. */
export async function storedBytes(target: S3Target, backend: S3Backend): Promise<number> {
  const prefix = backend.options.prefix;
  let total = 0;
  const objects = await target.admin.send(new ListObjectsV2Command({ Bucket: target.bucket, Prefix: prefix }));
  for (const object of objects.Contents ?? []) total += object.Size ?? 0;
  if (target.multipartListing) {
    const uploads = await target.admin.send(new ListMultipartUploadsCommand({ Bucket: target.bucket, Prefix: prefix }));
    for (const upload of uploads.Uploads ?? []) {
      const parts = await target.admin.send(new ListPartsCommand({ Bucket: target.bucket, Key: upload.Key, UploadId: upload.UploadId })).catch(() => ({ Parts: [] }));
      for (const part of parts.Parts ?? []) total += part.Size ?? 0;
    }
  } else {
    const { directory } = target as S3Target & { directory?: string };
    for (const upload of await readdir(join(directory!, target.bucket, '._S3rver_uploads')).catch(() => [] as string[])) {
      const dir = join(directory!, target.bucket, '._S3rver_uploads', upload);
      for (const part of await readdir(dir).catch(() => [] as string[])) {
        if (/^\d+$/.test(part)) total += (await stat(join(dir, part)).catch(() => ({ size: 0 }))).size;
      }
    }
  }
  return total;
}
