import { InvalidFieldError } from '@visor/plugin-api';
import type { ImageDeps } from './image-deps.js';

/** InvalidFieldError naming `field` unless `id` is an image of that type (a kernel or a ramdisk). */
export async function checkReference(deps: ImageDeps, field: 'kernel' | 'ramdisk', id: string): Promise<void> {
  const target = await deps.metadata.exists(id);
  if (!target || target.type !== field) {
    throw new InvalidFieldError(field, `'${field}' must be the id of an existing image of type ${field}; '${id}' is ${target ? `of type ${target.type}` : 'not an image'}`);
  }
}
