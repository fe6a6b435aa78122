import { InvalidFieldError, type Image, type ListOptions, type ListResult, type OperationContext } from '@visor/plugin-api';
import { isUuid } from '../metadata/validate-image.js';
import { findImage } from './access.js';
import { decodeCursor, encodeCursor } from './list-cursor.js';
import type { ImageDeps } from './image-deps.js';

/** Reads metadata on a client's behalf (HEAD, GET meta): afterReadMetadata tells tracking plugins. */
export async function readMetadata(deps: ImageDeps, id: string, context: OperationContext): Promise<Image> {
  const image = await findImage(deps, id, context, 'read');
  metadataRead(deps, image, context);
  return image;
}

/** Tells afterReadMetadata taps that a client read `image` (fetched with findImage). */
export function metadataRead(deps: ImageDeps, image: Image, context: OperationContext): void {
  deps.afterHooks.emitAfter('afterReadMetadata', image, context);
}

/** One page of images: filters, sort, paging by marker, narrowed by the constraints beforeList taps add. */
export async function listImages(deps: ImageDeps, options: ListOptions, context: OperationContext): Promise<ListResult> {
  const limit = options.limit ?? 100;
  const marker = options.marker ?? null;
  const badMarker = () =>
    new InvalidFieldError('marker', `'marker' must be the id of an existing image (the last one of the previous page); '${marker}' is not`);
  if (marker !== null && !isUuid(marker)) throw badMarker();
  const sort = options.sort ?? 'created_at';
  const dir = options.dir ?? 'asc';
  const after = options.cursor === undefined || options.cursor === null ? null : decodeCursor(options.cursor, sort, dir);
  const { constraints } = await deps.hooks.beforeList.promise({ constraints: [], context });
  const page = await deps.metadata.list({
    filters: options.filters ?? [],
    sort,
    dir,
    limit,
    marker: marker?.toLowerCase() ?? null,
    after,
    constraints,
    withProperties: options.detail ?? false,
  });
  if (!page) throw badMarker();
  const { images, more, last } = page;
  if (!more || last === null) return { images, nextMarker: null, nextCursor: null };
  return { images, nextMarker: last.id, nextCursor: encodeCursor(sort, dir, last) };
}
