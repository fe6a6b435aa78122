import { ReadOnlyBackendError, type Image, type OperationContext, type UploadSource } from '@visor/plugin-api';
import type { ImageDeps } from './image-deps.js';
import { prepareImage } from './prepare-image.js';
import { registerLocation, takeLocation } from './register-location.js';
import { declaredSize, storeOf, writableStore } from './stores-of.js';
import { transfer } from './upload.js';

/**
 * Registers metadata only; the image waits in status `locked` for its file.
 * With a `location` (an object that already lives in a store that registers
 * locations, e.g. a URL for the HTTP backend), the store that owns it checks
 * it and the image is `available` at once.
 */
export async function register(deps: ImageDeps, input: unknown, context: OperationContext): Promise<Image> {
  const { rest, claim } = takeLocation(input);
  if (claim !== undefined) return registerLocation(deps, rest, claim, context);
  const image = await prepareImage(deps, rest, context, { status: 'locked', size: null });
  const store = storeOf(deps, image);
  if (!store.capabilities.write) {
    throw new ReadOnlyBackendError(store.name, undefined, `store '${store.name}' is read-only: register images in it with a 'location' it owns`);
  }
  await deps.metadata.insert(image);
  deps.afterHooks.emitAfter('afterRegister', image, context);
  return image;
}

/** Registers and uploads in one go; if the upload fails the record goes too. */
export async function registerWithFile(deps: ImageDeps, input: unknown, source: UploadSource, context: OperationContext): Promise<Image> {
  const image = await prepareImage(deps, input, context, { status: 'uploading', size: declaredSize(source) });
  writableStore(deps, image, source);
  deps.uploadsInFlight.add(image.id);
  try {
    await deps.metadata.insert(image, deps.instanceId);
    deps.afterHooks.emitAfter('afterRegister', image, context);
    return await transfer(deps, image, source, context);
  } finally {
    deps.uploadsInFlight.delete(image.id);
  }
}
