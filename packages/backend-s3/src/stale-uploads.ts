import { AbortMultipartUploadCommand, ListMultipartUploadsCommand, type MultipartUpload, type S3Client } from '@aws-sdk/client-s3';
import type { Logger } from '@visor/plugin-api';
import { withinDeadline } from './deadline.js';
import { failureCode } from './errors.js';
import type { ObjectLocations } from './locations.js';
import type { UploadsInProgress } from './uploads-in-progress.js';

/**
 * Whether the store's server lists multipart uploads (ListMultipartUploads),
 * learnt by the first sweep; `undefined` until one ran. Shared with uploads,
 * so that a failed abort tells truly whether a sweep can find the upload.
 */
export interface UploadListing {
  supported: boolean | undefined;
}

export interface StaleUploadSweep {
  client: S3Client;
  listing: UploadListing;
  locations: ObjectLocations;
  inProgress: UploadsInProgress;
  minAgeMs: number | undefined;
  logger: Logger;
  store: string;
  /** Bound on each listing and abort, retries included (see CONTROL_TIMEOUT_MS). */
  timeoutMs: number;
}

interface UploadPage {
  uploads: MultipartUpload[];
  /** The server's clock when it answered (its Date header), in ms since the epoch. */
  serverNow: number | undefined;
  next: { KeyMarker?: string; UploadIdMarker?: string } | undefined;
}

/** One page of ListMultipartUploads under the store's prefix, with the server's Date header. */
async function listPage(sweep: StaleUploadSweep, marker: UploadPage['next']): Promise<UploadPage> {
  const command = new ListMultipartUploadsCommand({ Bucket: sweep.locations.bucket, Prefix: sweep.locations.prefix, ...marker });
  let serverNow: number | undefined;
  command.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const date = (result.response as { headers?: Record<string, string> }).headers?.date;
      if (date !== undefined && !Number.isNaN(Date.parse(date))) serverNow = Date.parse(date);
      return result;
    },
    { step: 'deserialize', name: 'visorServerDate' },
  );
  const output = await withinDeadline(sweep.timeoutMs, (abortSignal) => sweep.client.send(command, { abortSignal }));
  return {
    uploads: output.Uploads ?? [],
    serverNow,
    next: output.IsTruncated ? { KeyMarker: output.NextKeyMarker, UploadIdMarker: output.NextUploadIdMarker } : undefined,
  };
}

/** Whether the sweep may abort `upload`: one of this store's objects, not this process's, old enough by the server's clock. */
function isStale(upload: MultipartUpload, sweep: StaleUploadSweep, serverNow: number): boolean {
  if (upload.Key === undefined || upload.UploadId === undefined) return false;
  if (sweep.inProgress.has(upload.Key)) return false;
  try {
    // Uploads to keys Visor would not write (other software sharing the bucket) are not ours to abort.
    sweep.locations.keyOf(`${sweep.locations.scheme}://${sweep.locations.bucket}/${upload.Key}`);
  } catch {
    return false;
  }
  // Age 0 takes every upload. Otherwise the Date header's whole seconds make the server's "now" a lower
  // bound, so an upload is judged no older than it is: a young one is never taken for stale.
  if (sweep.minAgeMs === undefined || sweep.minAgeMs <= 0) return true;
  return upload.Initiated instanceof Date && serverNow - upload.Initiated.getTime() >= sweep.minAgeMs;
}

/**
 * Aborts the store's stale multipart uploads (AWS S3 API reference:
 * ListMultipartUploads, AbortMultipartUpload) and resolves to how many it
 * aborted. Age is judged by the server's clock: its Date header against
 * each upload's Initiated time, so hosts' clocks need not agree. A server
 * that does not list multipart uploads (NotImplemented, e.g. s3rver) has
 * nothing this can find: it logs that once per sweep and resolves to 0.
 */
export async function abortStaleUploads(sweep: StaleUploadSweep): Promise<number> {
  let aborted = 0;
  let marker: UploadPage['next'];
  do {
    let page: UploadPage;
    try {
      page = await listPage(sweep, marker);
    } catch (error) {
      if (failureCode(error) !== 'NotImplemented') throw error;
      sweep.listing.supported = false;
      sweep.logger.warn('the S3 server does not list multipart uploads; cleanup cannot find stale ones', { store: sweep.store });
      return aborted;
    }
    sweep.listing.supported = true;
    const serverNow = page.serverNow ?? Date.now();
    for (const upload of page.uploads) {
      if (!isStale(upload, sweep, serverNow)) continue;
      try {
        const abort = new AbortMultipartUploadCommand({ Bucket: sweep.locations.bucket, Key: upload.Key, UploadId: upload.UploadId });
        await withinDeadline(sweep.timeoutMs, (abortSignal) => sweep.client.send(abort, { abortSignal }));
        aborted += 1;
      } catch (error) {
        // Gone already: another instance's sweep, or the upload's own abort still running, got there
        // first. Swift's s3api says NoSuchKey instead of NoSuchUpload when the abort it races has
        // already removed the upload's marker (seen in a test on a loaded machine).
        const code = failureCode(error);
        if (code !== 'NoSuchUpload' && code !== 'NoSuchKey') throw error;
      }
    }
    marker = page.next;
  } while (marker !== undefined);
  return aborted;
}
