import { ForbiddenError, NotFoundError, type Image, type ImageAction, type OperationContext } from '@visor/plugin-api';
import { isUuid } from '../metadata/validate-image.js';
import type { ImageDeps } from './image-deps.js';

/**
 * The image `id`, if `context` may perform `action` on it (authorizeImage):
 * NotFoundError for a missing image or one a tap hides, ForbiddenError for one
 * a tap denies.
 */
export async function findImage(deps: ImageDeps, id: string, context: OperationContext, action: ImageAction): Promise<Image> {
  const image = isUuid(id) ? await deps.metadata.find(id.toLowerCase()) : undefined;
  if (!image) throw new NotFoundError(`image '${id}' not found`);
  if (!deps.hooks.authorizeImage.isUsed()) return image;
  const decision = await deps.hooks.authorizeImage.promise({ action, image, context });
  if (decision === 'hide') throw new NotFoundError(`image '${image.id}' not found`);
  if (decision === 'deny') throw new ForbiddenError(`you may not ${action} image '${image.id}'`);
  return image;
}
