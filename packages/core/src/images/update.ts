import { ConflictError, NotFoundError, type Image, type OperationContext } from '@visor/plugin-api';
import { validatePatch } from '../metadata/validate-image.js';
import { findImage } from './access.js';
import { now, type ImageDeps } from './image-deps.js';
import { checkReference } from './references.js';
import { checkStore } from './stores-of.js';

/** Changes an image's writable fields and custom properties (null removes one). */
export async function update(deps: ImageDeps, id: string, input: unknown, context: OperationContext): Promise<Image> {
  const image = await findImage(deps, id, context, 'update');
  const patch = validatePatch(input);
  const { store, kernel, ramdisk } = patch.fields;
  if (store !== undefined && store !== image.store) {
    checkStore(deps, store);
    if (image.status === 'available' || image.status === 'uploading') {
      throw new ConflictError(`image '${image.id}' already has a file in store '${image.store}'; its store cannot change`);
    }
  }
  if (kernel) await checkReference(deps, 'kernel', kernel);
  if (ramdisk) await checkReference(deps, 'ramdisk', ramdisk);
  if (patch.fields.type !== undefined && patch.fields.type !== image.type) {
    const referrers = await deps.metadata.referencing(image.id);
    if (referrers.length > 0) {
      throw new ConflictError(`image '${image.id}' is the ${image.type} of ${referrers.map((r) => `'${r}'`).join(', ')}; its type cannot change`);
    }
  }
  await deps.hooks.beforeUpdate.promise(image, patch, context);
  const updated = await deps.metadata.update(image.id, patch.fields, patch.properties, now());
  if (!updated) throw new NotFoundError(`image '${id}' not found`);
  deps.afterHooks.emitAfter('afterUpdate', updated, image, context);
  return updated;
}
