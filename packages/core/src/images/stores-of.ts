import {
  ConflictError,
  InvalidFieldError,
  LengthRequiredError,
  ReadOnlyBackendError,
  type Image,
  type UploadSource,
} from '@visor/plugin-api';
import type { StoreBackend } from '../stores/store-backend.js';
import type { ImageDeps } from './image-deps.js';

/** InvalidFieldError naming `store` unless `name` is a configured store. */
export function checkStore(deps: ImageDeps, name: string): StoreBackend {
  const store = deps.backends.get(name);
  if (store) return store;
  const allowed = [...deps.backends.keys()];
  throw new InvalidFieldError('store', `store '${name}' is not configured; configured stores: ${allowed.join(', ')}`, { details: { allowed } });
}

/** The store of an image; ConflictError when the configuration no longer has it. */
export function storeOf(deps: ImageDeps, image: Image): StoreBackend {
  const store = deps.backends.get(image.store);
  if (!store) throw new ConflictError(`image '${image.id}' lives in store '${image.store}', which is no longer configured`);
  return store;
}

/** The image's store, if it takes this upload: read-only stores refuse (405), stores needing the size refuse a body without one (411). */
export function writableStore(deps: ImageDeps, image: Image, source: UploadSource): StoreBackend {
  const store = storeOf(deps, image);
  if (!store.capabilities.write) {
    throw new ReadOnlyBackendError(store.name, image.id, `store '${store.name}' is read-only: it takes no uploads (register images in it with a location)`);
  }
  if (store.capabilities.sizeRequired && declaredSize(source) === null) {
    throw new LengthRequiredError(
      `store '${store.name}' needs the image's size before the upload starts (it cannot take a body of unknown length): send Content-Length or x-image-meta-size`,
    );
  }
  return store;
}

/** The size an upload declares (x-image-meta-size, else Content-Length), in bytes; null when unknown. */
export function declaredSize(source: UploadSource | undefined): number | null {
  return source?.expect.size ?? source?.lengthHint ?? null;
}
