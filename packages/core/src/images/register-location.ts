import { ConflictError, InvalidFieldError, type Image, type OperationContext } from '@visor/plugin-api';
import type { StoreBackend } from '../stores/store-backend.js';
import type { ImageDeps } from './image-deps.js';
import { prepareImage } from './prepare-image.js';
import { asBackendError } from './stream-to-backend.js';
import { checkStore } from './stores-of.js';

const MAX_LOCATION = 2048;
const DIGESTS = { checksum: /^[0-9a-f]{32}$/i, sha256: /^[0-9a-f]{64}$/i } as const;

/** What a registration by location brings besides the metadata: where the object is, and the digests the client declares for it. */
export interface LocationClaim {
  location: string;
  /** MD5, lower-case hex, as the client declares it (the store or a later download may check it). */
  checksum: string | null;
  /** SHA-256, lower-case hex, as the client declares it. */
  sha256: string | null;
}

/**
 * Splits a client-given `location` (and, with it, the declared `checksum`
 * and `sha256`) off a registration; only the server sets them otherwise.
 */
export function takeLocation(input: unknown): { rest: unknown; claim: LocationClaim | undefined } {
  if (typeof input !== 'object' || input === null || Array.isArray(input) || !('location' in input)) return { rest: input, claim: undefined };
  const { location, checksum, sha256, ...rest } = input as Record<string, unknown>;
  if (typeof location !== 'string' || location.length === 0 || location.length > MAX_LOCATION || !URL.canParse(location)) {
    throw new InvalidFieldError('location', `'location' must be an absolute URI of at most ${MAX_LOCATION} characters naming an object a configured store serves`);
  }
  return { rest, claim: { location, checksum: declaredDigest('checksum', checksum), sha256: declaredDigest('sha256', sha256) } };
}

function declaredDigest(field: keyof typeof DIGESTS, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !DIGESTS[field].test(value)) {
    throw new InvalidFieldError(field, `'${field}' must be ${field === 'checksum' ? 'an MD5 in 32' : 'a SHA-256 in 64'} hex digits`);
  }
  return value.toLowerCase();
}

/**
 * An image whose object already lives in a store (a distribution's image on a
 * web server): routed to the store that owns the location, checked there
 * (`stat`: it exists, its size), and recorded as available.
 */
export async function registerLocation(deps: ImageDeps, input: unknown, claim: LocationClaim, context: OperationContext): Promise<Image> {
  const { location } = claim;
  const named = typeof input === 'object' && input !== null ? (input as { store?: unknown }).store : undefined;
  const owner = storeOwning(deps, location, typeof named === 'string' ? named : undefined);
  const prepared = await prepareImage(deps, { ...(input as object), store: owner.name }, context, { status: 'available', size: null });
  if (prepared.store !== owner.name) {
    throw new ConflictError(`a plugin placed the image in store '${prepared.store}', which does not serve '${location}'`);
  }
  let size: number;
  try {
    size = (await owner.stat(location)).size;
  } catch (error) {
    throw asBackendError(owner, prepared.id, error);
  }
  const image: Image = { ...prepared, location, size, checksum: claim.checksum, sha256: claim.sha256, uploaded_at: prepared.created_at };
  await deps.metadata.insert(image);
  deps.afterHooks.emitAfter('afterRegister', image, context);
  return image;
}

/** The store a client-given location belongs to: the one named, if it owns it, else the only one that does. */
function storeOwning(deps: ImageDeps, location: string, named: string | undefined): StoreBackend {
  if (named !== undefined) {
    const store = checkStore(deps, named);
    if (!store.capabilities.registerLocations) {
      throw new InvalidFieldError('location', `store '${named}' takes no registered locations: upload the image's file instead`);
    }
    if (!store.ownsLocation(location)) throw new InvalidFieldError('location', `'${location}' is not a location store '${named}' serves`);
    return store;
  }
  const owners = [...deps.backends.values()].filter((store) => store.ownsLocation(location));
  if (owners.length === 0) throw new InvalidFieldError('location', `no configured store serves the location '${location}'`);
  if (owners.length > 1) {
    throw new InvalidFieldError('location', `several stores serve '${location}' (${owners.map((s) => s.name).join(', ')}): name one in 'store'`);
  }
  return owners[0]!;
}
