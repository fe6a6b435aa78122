import { ConflictError, VisorError, type Image, type OperationContext, type TransferStats, type UploadSource } from '@visor/plugin-api';
import { findImage } from './access.js';
import { now, type ImageDeps } from './image-deps.js';
import { streamToBackend } from './stream-to-backend.js';
import { writableStore } from './stores-of.js';
import type { StoreBackend } from '../stores/store-backend.js';

/** Uploads the file of an image in status `locked` or `error`; a concurrent upload gets 409. */
export async function upload(deps: ImageDeps, id: string, source: UploadSource, context: OperationContext): Promise<Image> {
  const image = await findImage(deps, id, context, 'upload');
  writableStore(deps, image, source);
  // In flight from before the claim: the sweep finishing an earlier failed upload of this image
  // (deps.unfinishedRollbacks) must never take this upload's claim, same instance, for that one.
  deps.uploadsInFlight.add(image.id);
  try {
    if (!(await deps.metadata.claimUpload(image.id, ['locked', 'error'], now(), deps.instanceId))) {
      const current = await deps.metadata.find(image.id);
      throw new ConflictError(
        current?.status === 'uploading'
          ? `image '${image.id}' is being uploaded by another request`
          : `image '${image.id}' already has a file (status '${current?.status ?? 'deleted'}'); only images in status locked or error accept an upload`,
      );
    }
    return await transfer(deps, { ...image, status: 'uploading' }, source, context);
  } finally {
    deps.uploadsInFlight.delete(image.id);
  }
}

/**
 * Streams the file of an image this instance has claimed (status `uploading`)
 * into its store, then records it: the image becomes `available`. On any
 * failure nothing is kept and the claim is released (the image goes back to
 * its former status, or away if the upload created it); a file stored but not
 * recorded (the database failed at the end) is removed. Where the database
 * fails the rollback too, the housekeeping sweep finishes it.
 */
export async function transfer(deps: ImageDeps, image: Image, source: UploadSource, context: OperationContext): Promise<Image> {
  const started = Date.now();
  let bytes = 0;
  let ended: (() => void) | undefined;
  let stored: { store: StoreBackend; location: string } | undefined;
  try {
    await deps.hooks.beforeUpload.promise(image, context);
    const store = writableStore(deps, image, source);
    ended = deps.transfers?.transferStarted('upload', store.name);
    const file = await streamToBackend(store, image.id, source, {
      expect: { ...source.expect, maxBytes: deps.maxImageBytes },
      onBytes: (n) => {
        bytes = n;
      },
      // Only the instance still holding the claim may replace the image's file.
      beforeCommit: () => assertOwnsUpload(deps, image.id),
    });
    stored = { store, location: file.location };
    const done = await deps.metadata.completeUpload(image.id, deps.instanceId, store.name, file, now());
    if (!done) {
      stored = undefined;
      await store.delete(file.location).catch(() => undefined);
      throw new ConflictError(`image '${image.id}' was deleted (or its upload rolled back) while its file was uploading; the file was discarded`);
    }
    deps.afterHooks.emitAfter('afterUpload', done, { bytes: file.size, durationMs: Date.now() - started, outcome: 'completed' }, context);
    return done;
  } catch (error) {
    await rollBack(deps, image.id, stored);
    const stats: TransferStats = {
      bytes,
      durationMs: Date.now() - started,
      outcome: error instanceof VisorError && error.code === 'ClientClosedRequest' ? 'aborted' : 'failed',
    };
    deps.afterHooks.emitAfter('afterUploadFailed', image, error as Error, stats, context);
    throw error;
  } finally {
    ended?.();
  }
}

/**
 * Undoes a failed upload this instance still holds: first the file stored but not recorded (while
 * the image is still `uploading`, no other upload can write its key), then the claim. Whether the
 * upload is still held is asked again: a failed completeUpload may yet have committed (a
 * connection lost after COMMIT), and then the file is the image's. If the database fails here too,
 * the upload is left to the housekeeping sweep (deps.unfinishedRollbacks).
 */
async function rollBack(deps: ImageDeps, id: string, stored: { store: StoreBackend; location: string } | undefined): Promise<void> {
  try {
    if (stored && (await deps.metadata.ownsUpload(id, deps.instanceId))) await stored.store.deleteIfPresent(stored.location);
    await deps.metadata.releaseUpload(id, now(), deps.instanceId);
  } catch (rollbackError) {
    deps.unfinishedRollbacks.set(id, { file: stored && { store: stored.store.name, location: stored.location }, attempts: 0 });
    deps.logger.error('could not roll back a failed upload now; the housekeeping sweep will try again', {
      image: id,
      ...(stored ? { store: stored.store.name, location: stored.location } : {}),
      err: rollbackError,
    });
  }
}

async function assertOwnsUpload(deps: ImageDeps, id: string): Promise<void> {
  if (await deps.metadata.ownsUpload(id, deps.instanceId)) return;
  throw new ConflictError(`the upload of image '${id}' was cancelled meanwhile (the image was deleted, or its upload rolled back); nothing was stored`);
}
