import { InternalError, type Image, type TransferStats } from '@visor/plugin-api';
import { DEFAULT_CONTEXT, now, type ImageDeps } from '../images/image-deps.js';
import type { LeftoverSweeps } from './leftover-sweeps.js';

/**
 * Rolls back uploads no live instance runs (their instance crashed or was
 * killed): the images go back to their former status, or away if the upload
 * created them. Then each writable store drops leftovers of interrupted
 * writes (through `sweeps`, which logs stores that cannot): all of them
 * (`leftoverMinAgeMs` undefined) when no other instance shares the database,
 * else only those untouched for `leftoverMinAgeMs`, which a live upload's
 * never are (uploads idle for longer are cut).
 */
export async function repairUploads(deps: ImageDeps, sweeps: LeftoverSweeps, leftoverMinAgeMs?: number): Promise<{ images: number; leftovers: number }> {
  const { metadata, instanceId, logger } = deps;
  let rolledBack = await finishRollbacks(deps);
  const stale = await metadata.staleUploads();
  for (const { image, owner } of stale) {
    // This instance's own uploads look stale while its beats fail (the database did): they run.
    if (owner === instanceId) continue;
    // Several instances may sweep at once: the one taking the upload over rolls it back.
    if (!(await metadata.takeOverUpload(image.id, owner, instanceId))) continue;
    try {
      // While the image is still 'uploading', no other upload can claim it: the file goes first.
      await removeUnrecordedFile(deps, image);
    } catch (error) {
      // Handed back to the dead instance, so that the next sweep (of any instance) tries again.
      await metadata.takeOverUpload(image.id, instanceId, owner);
      logger.error('could not remove the file of an interrupted upload; trying again at the next sweep', { image: image.id, store: image.store, err: error });
      continue;
    }
    const outcome = await metadata.releaseUpload(image.id, now(), instanceId);
    rolledBack += 1;
    logger.warn('rolled back an upload its instance left unfinished', { image: image.id, outcome });
    // So that tracking's history shows how the upload ended; what it had received is unknown.
    const interrupted = new InternalError(`the upload of image '${image.id}' stopped with the Visor instance running it; rolled back`);
    const stats: TransferStats = { bytes: 0, durationMs: 0, outcome: 'failed' };
    deps.afterHooks.emitAfter('afterUploadFailed', image, interrupted, stats, DEFAULT_CONTEXT);
  }
  const leftovers = await sweeps.sweep(deps.backends.values(), leftoverMinAgeMs);
  if (leftovers > 0) logger.warn('removed leftovers of interrupted uploads', { count: leftovers });
  return { images: rolledBack, leftovers };
}

/** Sweeps that try to remove a failed upload's unrecorded file before the claim is released anyway. */
const DELETE_ATTEMPTS = 3;

/**
 * Rolls back this instance's failed uploads whose rollback failed at the time (the database or the
 * store was failing too): the file stored but not recorded, then the claim, as upload.ts would
 * have. Skipped while this instance uploads the image again (the claim is then that upload's).
 * Each one that fails again stays for the next sweep; a file the store still cannot delete after
 * DELETE_ATTEMPTS sweeps is left (logged with its location) so that the image is not held
 * `uploading` for the instance's life. Resolves to the number rolled back.
 */
async function finishRollbacks(deps: ImageDeps): Promise<number> {
  const { metadata, instanceId, logger } = deps;
  let done = 0;
  for (const [id, entry] of [...deps.unfinishedRollbacks]) {
    if (deps.uploadsInFlight.has(id)) continue;
    try {
      const owned = await metadata.ownsUpload(id, instanceId);
      // A new upload of the image may have started while ownsUpload ran: its claim is not ours to undo.
      if (deps.uploadsInFlight.has(id) || deps.unfinishedRollbacks.get(id) !== entry) continue;
      if (owned) {
        const store = entry.file && deps.backends.get(entry.file.store);
        if (entry.file && store) {
          try {
            await store.deleteIfPresent(entry.file.location);
          } catch (error) {
            entry.attempts += 1;
            if (entry.attempts < DELETE_ATTEMPTS) throw error;
            logger.error('gave up removing the file of a failed upload; it stays in its store', { image: id, store: entry.file.store, location: entry.file.location, err: error });
          }
        }
        const outcome = await metadata.releaseUpload(id, now(), instanceId);
        done += 1;
        logger.warn('rolled back a failed upload whose rollback had failed', { image: id, outcome });
      }
      deps.unfinishedRollbacks.delete(id);
    } catch (error) {
      logger.error('could not roll back a failed upload yet; trying again at the next sweep', { image: id, err: error });
    }
  }
  return done;
}

/**
 * An instance that died between its store's commit and the metadata update
 * left an object no record names; where the store can tell the location of
 * a key before writing (locateBeforeWrite), it goes.
 */
async function removeUnrecordedFile(deps: ImageDeps, image: Image): Promise<void> {
  const store = deps.backends.get(image.store);
  if (!store?.capabilities.locateBeforeWrite) return;
  if (await store.deleteIfPresent(store.locationOf(image.id))) {
    deps.logger.warn('removed the file of an upload that was stored but never recorded', { image: image.id, store: image.store });
  }
}
