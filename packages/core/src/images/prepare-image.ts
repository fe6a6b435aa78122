import { randomUUID } from 'node:crypto';
import type { Image, ImageDraft, ImageStatus, OperationContext } from '@visor/plugin-api';
import { validateRegistration } from '../metadata/validate-image.js';
import { now, type ImageDeps } from './image-deps.js';
import { checkReference } from './references.js';
import { checkStore } from './stores-of.js';

export interface PrepareOptions {
  status: ImageStatus;
  /** The size of the upload that comes with the registration, for chooseStore; null when unknown or none. */
  size: number | null;
}

/**
 * A new image record from a client's registration: validated, placed in the
 * store it names (else the one a chooseStore tap answers, else the default),
 * adjusted by the beforeRegister waterfall. Nothing is stored yet.
 */
export async function prepareImage(deps: ImageDeps, input: unknown, context: OperationContext, options: PrepareOptions): Promise<Image> {
  const valid = validateRegistration(input);
  if (valid.store !== null) checkStore(deps, valid.store);
  if (valid.kernel) await checkReference(deps, 'kernel', valid.kernel);
  if (valid.ramdisk) await checkReference(deps, 'ramdisk', valid.ramdisk);
  const draft: ImageDraft = { ...valid, store: valid.store ?? deps.defaultStore, owner: context.principal?.id ?? null };
  if (valid.store === null) draft.store = await chooseStore(deps, draft, options.size, context);
  const adjusted = (await deps.hooks.beforeRegister.promise(draft, context)) ?? draft;
  if (adjusted.store !== draft.store) checkStore(deps, adjusted.store);
  const time = now();
  return {
    id: randomUUID(),
    ...adjusted,
    location: null,
    status: options.status,
    size: null,
    checksum: null,
    sha256: null,
    created_at: time,
    updated_at: time,
    uploaded_at: null,
    accessed_at: null,
    access_count: 0,
  };
}

/** The store a chooseStore tap places the image in, or the default store. */
async function chooseStore(deps: ImageDeps, draft: ImageDraft, size: number | null, context: OperationContext): Promise<string> {
  if (!deps.hooks.chooseStore.isUsed()) return deps.defaultStore;
  const stores = [...deps.backends.values()].map(({ name, type, capabilities }) => ({ name, type, capabilities }));
  const chosen = await deps.hooks.chooseStore.promise({ draft: { ...draft }, size, stores, context });
  if (chosen === undefined || chosen === null) return deps.defaultStore;
  return checkStore(deps, chosen).name;
}
