import { ConflictError, type Image, type OperationContext } from '@visor/plugin-api';
import { findImage } from './access.js';
import type { ImageDeps } from './image-deps.js';
import { asBackendError } from './stream-to-backend.js';
import { storeOf } from './stores-of.js';

/**
 * Deletes file then record; if the file cannot be deleted the record stays
 * and the error is raised. A store that does not delete (a read-only source)
 * keeps the object: only the record goes.
 */
export async function deleteImage(deps: ImageDeps, id: string, context: OperationContext): Promise<Image> {
  const image = await findImage(deps, id, context, 'delete');
  if (image.status === 'uploading') {
    throw new ConflictError(`image '${image.id}' is being uploaded; delete it once the upload has ended`);
  }
  const referrers = await deps.metadata.referencing(image.id);
  if (referrers.length > 0) {
    throw new ConflictError(`image '${image.id}' is the kernel or ramdisk of ${referrers.map((r) => `'${r}'`).join(', ')}; update or delete those first`);
  }
  await deps.hooks.beforeDelete.promise(image, context);
  const configured = deps.backends.get(image.store);
  if (image.location !== null && (configured === undefined || configured.capabilities.delete)) {
    const store = storeOf(deps, image);
    let deleted: boolean;
    try {
      deleted = await store.deleteIfPresent(image.location);
    } catch (error) {
      throw asBackendError(store, image.id, error);
    }
    if (!deleted) deps.logger.warn('image file was already missing from its store', { image: image.id, store: image.store });
  }
  await deps.metadata.remove(image.id);
  deps.afterHooks.emitAfter('afterDelete', image, context);
  return image;
}
