import { pipeline, type Readable } from 'node:stream';
import { AbortMultipartUploadCommand, DeleteObjectCommand, type PutObjectCommandInput, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Logger } from '@visor/plugin-api';
import { describeFailure } from './errors.js';
import { SizeGuard } from './size-guard.js';
import type { UploadListing } from './stale-uploads.js';
import type { UploadsInProgress } from './uploads-in-progress.js';

export interface UploadRequest {
  client: S3Client;
  bucket: string;
  objectKey: string;
  /** Bytes per part. */
  partSize: number;
  /** Parts in flight at once. */
  queueSize: number;
  /** Storage class and encryption headers for the new object. */
  objectParams: Pick<PutObjectCommandInput, 'StorageClass' | 'ServerSideEncryption' | 'SSEKMSKeyId'>;
  /** The size the caller declared; the upload fails unless the source yields exactly this many bytes. */
  size: number | undefined;
  signal: AbortSignal | undefined;
  inProgress: UploadsInProgress;
  /** Whether cleanup() can find a multipart upload this fails to abort. */
  listing: UploadListing;
  logger: Logger;
  /** Named in log lines. */
  store: string;
}

export interface UploadResult {
  size: number;
  etag: string | undefined;
  versionId: string | undefined;
}

export function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : Object.assign(new Error('the upload was aborted'), { name: 'AbortError' });
}

/** Parts a multipart upload may have (AWS S3 User Guide, "Amazon S3 multipart upload limits"). */
export const MAX_PARTS = 10_000;

/**
 * Streams `source` to S3 with lib-storage's Upload: a source that ends
 * within the first part goes as one PutObject (a Buffer of at most one
 * part, so the SDK can retry it); a longer one as a multipart upload of
 * `partSize` parts, `queueSize` at a time. Memory per upload stays within
 * about (queueSize + 2) × partSize: the parts in flight, the part being
 * filled, and the copy that joins its chunks.
 *
 * On any failure (the source's error, a wrong length, the signal, a part
 * the store refused) the source is destroyed, the parts in flight finish,
 * and the multipart upload is aborted before this rejects, so no part is
 * left behind; if the abort itself fails, that is logged, saying whether
 * `cleanup()` can remove the upload later. Rejects with the first cause: the source's or abort's error as
 * is, or the SDK's (the caller maps it).
 */
export async function uploadObject(source: Readable, request: UploadRequest): Promise<UploadResult> {
  const { signal } = request;
  signal?.throwIfAborted();
  // Without a declared size, the byte that would need part 10 001 is stopped here: S3 would refuse
  // that part only after it was sent (lib-storage checks the count after queueing it).
  const guard = new SizeGuard(request.size, false, request.size === undefined ? request.partSize * MAX_PARTS : undefined);
  let cause: unknown;
  const stop = (error: unknown) => {
    cause ??= error;
    guard.destroy(error instanceof Error ? error : new Error(String(error)));
  };
  pipeline(source, guard, (error) => {
    if (error) cause ??= error;
  });
  const onAbort = () => stop(abortError(signal!));
  signal?.addEventListener('abort', onAbort, { once: true });

  const upload = new Upload({
    client: request.client,
    params: { Bucket: request.bucket, Key: request.objectKey, Body: guard, ...request.objectParams },
    partSize: request.partSize,
    queueSize: request.queueSize,
    // Aborting is done here, after done() settles: lib-storage's own abort can run after done() has rejected.
    leavePartsOnError: true,
  });
  const unregister = request.inProgress.add(request.objectKey, { uploadId: () => upload.uploadId, fail: stop });
  let result;
  try {
    result = await upload.done();
  } catch (error) {
    cause ??= error;
    source.destroy();
    await abortMultipartUpload(upload, request);
    throw cause;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    unregister();
  }
  if (signal?.aborted) await withdraw(request, abortError(signal));
  return { size: guard.bytes, etag: result.ETag, versionId: result.VersionId };
}

/**
 * The signal aborted while the store was committing the last bytes: the
 * object is whole, but the caller gave up on it, so it goes (best effort)
 * and the abort is reported, as the contract asks of an aborted put.
 */
export async function withdraw(request: UploadRequest, reason: Error): Promise<never> {
  await request.client.send(new DeleteObjectCommand({ Bucket: request.bucket, Key: request.objectKey })).catch((error: unknown) => {
    request.logger.warn('could not delete an object whose upload was aborted as it completed', { store: request.store, key: request.objectKey, reason: describeFailure(error) });
  });
  throw reason;
}

/**
 * Aborts the multipart upload `upload` created, if any. A failure is logged
 * (never thrown), saying what becomes of the parts: a later cleanup() sweep
 * aborts them where the server lists multipart uploads; where it does not
 * (s3rver), nothing in Visor can find them again, so the line gives the
 * upload id to abort by hand (or a bucket lifecycle rule,
 * AbortIncompleteMultipartUpload, removes them).
 */
async function abortMultipartUpload(upload: Upload, request: UploadRequest): Promise<void> {
  const uploadId = upload.uploadId;
  if (uploadId === undefined) return;
  try {
    await request.client.send(new AbortMultipartUploadCommand({ Bucket: request.bucket, Key: request.objectKey, UploadId: uploadId }));
  } catch (error) {
    request.logger.warn(`could not abort a failed multipart upload; ${fateOfParts(request.listing)}`, {
      store: request.store,
      bucket: request.bucket,
      key: request.objectKey,
      uploadId,
      reason: describeFailure(error),
    });
  }
}

/** What becomes of the parts of a multipart upload that could not be aborted, as the end of a log message. */
function fateOfParts(listing: UploadListing): string {
  if (listing.supported === false) {
    return 'this S3 server does not list multipart uploads either, so cleanup() cannot find it: its parts stay on the server until aborted there by upload id (or by a bucket lifecycle rule)';
  }
  // When the sweeps run and which ages they take is the core's business (docs/configuration.md, several instances).
  const sweep = 'a later cleanup() sweep aborts it';
  return listing.supported === true ? sweep : `${sweep}, if this S3 server lists multipart uploads`;
}
