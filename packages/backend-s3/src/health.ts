import { CreateBucketCommand, ListObjectsCommand, type S3Client } from '@aws-sdk/client-s3';
import type { BackendHealth } from '@visor/plugin-api';
import { CONTROL_TIMEOUT_MS, withinDeadline } from './deadline.js';
import { describeFailure, failureCode, isStoreProblem } from './errors.js';
import type { ObjectLocations } from './locations.js';

/**
 * Healthy when one object listing in the bucket, under the prefix,
 * succeeds within `timeoutMs` (retries included, see CONTROL_TIMEOUT_MS):
 * that takes a reachable endpoint, an existing bucket and credentials the
 * server accepts. A GET rather than HeadBucket because its error body
 * tells a wrong secret (SignatureDoesNotMatch) from an unknown key or a
 * missing bucket, which a HEAD answer cannot. The message names neither
 * endpoint nor bucket: `GET /status` is open to anyone.
 */
export async function bucketHealth(client: S3Client, locations: ObjectLocations, timeoutMs = CONTROL_TIMEOUT_MS): Promise<BackendHealth> {
  try {
    await withinDeadline(timeoutMs, (abortSignal) => listOne(client, locations, abortSignal));
    return { ok: true, message: 'the bucket is reachable and the credentials are accepted' };
  } catch (error) {
    return { ok: false, message: `the store is not usable: ${describeFailure(error)}` };
  }
}

/** ListObjects (version 1): the S3 dialects of Walrus and Cumulus predate ListObjectsV2 (2016); every S3 server has version 1. */
function listOne(client: S3Client, locations: ObjectLocations, abortSignal?: AbortSignal): Promise<unknown> {
  const command = new ListObjectsCommand({ Bucket: locations.bucket, Prefix: locations.prefix, MaxKeys: 1 });
  return abortSignal === undefined ? client.send(command) : client.send(command, { abortSignal });
}

/**
 * The error that makes the whole store unusable (missing bucket, refused
 * credentials, unreachable endpoint), found by one listing; undefined when
 * the listing works or fails for another reason.
 */
export async function storeProblem(client: S3Client, locations: ObjectLocations): Promise<unknown> {
  try {
    await listOne(client, locations);
    return undefined;
  } catch (error) {
    return isStoreProblem(error) ? error : undefined;
  }
}

/** Creates the bucket unless it exists (and is this account's), within `timeoutMs`; other failures are thrown. */
export async function ensureBucket(client: S3Client, bucket: string, timeoutMs = CONTROL_TIMEOUT_MS): Promise<void> {
  try {
    await withinDeadline(timeoutMs, (abortSignal) => client.send(new CreateBucketCommand({ Bucket: bucket }), { abortSignal }));
  } catch (error) {
    if (failureCode(error) !== 'BucketAlreadyOwnedByYou') throw error;
  }
}
