import { pipeline, type Readable } from 'node:stream';
import {
  ConflictError,
  InvalidRangeError,
  ObjectChangedError,
  ObjectNotFoundError,
  RangeNotSatisfiableError,
  readerStream,
  shownLocation,
  type ByteRange,
  type DownloadAnswer,
  type Image,
  type ObjectInfo,
  type ObjectReader,
  type OperationContext,
  type TransferStats,
} from '@visor/plugin-api';
import type { RegisteredObject } from '../metadata/image-records.js';
import type { StoreBackend } from '../stores/store-backend.js';
import { now, type ImageDeps } from './image-deps.js';
import { asBackendError } from './stream-to-backend.js';
import { storeOf } from './stores-of.js';
import { verifyingStream } from './verify-digests.js';

/** How long a redirect to a store's own URL stays valid, in seconds. */
export const REDIRECT_EXPIRES_SECONDS = 300;

/** The size of an image's file; ConflictError when it has none yet. */
export function downloadableSize(image: Image): number {
  if (image.status !== 'available' || image.location === null || image.size === null) {
    throw new ConflictError(`image '${image.id}' has no file to download: its status is '${image.status}'`);
  }
  return image.size;
}

/**
 * Opens the file of an image already fetched (and authorized) for download:
 * when `redirect` is allowed, a redirect if a `beforeDownload` tap answers one
 * or the store is configured to redirect; else the bytes, from positional
 * reads where the store declares them cheap and from `get` otherwise. A
 * stored object whose size is not the record's is caught here, before
 * anything is sent; one that is gone or changed marks the image `error`.
 */
export async function openDownload(
  deps: ImageDeps,
  image: Image,
  range: ByteRange | null,
  context: OperationContext,
  redirect: boolean,
): Promise<DownloadAnswer> {
  const size = downloadableSize(image);
  if (range !== null && (range.start > range.end || range.end >= size)) {
    throw new RangeNotSatisfiableError(`range ${range.start}-${range.end} is outside the image's ${size} bytes`, size);
  }
  const decision = await deps.hooks.beforeDownload.promise(image, context);
  const store = storeOf(deps, image);
  const started = Date.now();
  let finished = false;
  let finish = (stats: Omit<TransferStats, 'durationMs'>) => {
    if (finished) return;
    finished = true;
    deps.afterHooks.emitAfter('afterDownload', image, { ...stats, durationMs: Date.now() - started }, context);
  };
  if (redirect) {
    const url = (decision ? decision.redirect : undefined) ?? (store.redirectDownloads ? await storeRedirect(store, image) : undefined);
    if (url !== undefined) return { image, redirect: url, range, finish };
  }
  const registered = store.capabilities.registerLocations ? await deps.metadata.registeredObject(image.id) : undefined;
  const source = await openSource(deps, store, image, range, registered);
  // In flight from the moment the bytes are open until finish() (every answer that opened them calls it).
  const ended = deps.transfers?.transferStarted('download', store.name);
  const opened = finish;
  finish = (stats) => {
    ended?.();
    opened(stats);
  };
  if (registered && !registered.digestsVerified && range === null) {
    const bytes = 'stream' in source ? source.stream : readerStream(source.reader, { backend: image.store, key: image.id });
    return { image, stream: verifiedOnce(deps, image, bytes), reader: undefined, range, finish };
  }
  if ('stream' in source) return { image, stream: source.stream, reader: undefined, range, finish };
  const { reader } = source;
  let stream: Readable | undefined;
  return {
    image,
    reader,
    range,
    finish,
    get stream() {
      return (stream ??= readerStream(reader, { range: range ?? undefined, backend: image.store, key: image.id }));
    },
  };
}

/**
 * The object's bytes: a reader where positional reads are cheap, else a
 * stream of the range; its size checked against the record, and for an
 * image registered by location its ETag and version against those recorded.
 */
async function openSource(
  deps: ImageDeps,
  store: StoreBackend,
  image: Image,
  range: ByteRange | null,
  registered: RegisteredObject | undefined,
): Promise<{ reader: ObjectReader } | { stream: Readable }> {
  let source: { reader: ObjectReader } | { stream: Readable };
  let stored: number;
  let current: ObjectInfo | undefined;
  try {
    if (store.capabilities.positionalReads) {
      const reader = await store.openReader(image.location!);
      source = { reader };
      stored = reader.size;
    } else {
      const { body, info } = await store.get(image.location!, {
        ...(range === null ? {} : { range }),
        ...(image.size === null ? {} : { expectedSize: image.size }),
      });
      source = { stream: body };
      stored = info.size;
      current = info;
    }
  } catch (error) {
    if (error instanceof ObjectNotFoundError) {
      // A store that deletes nothing keeps the location on record: deleting the image never touches the store.
      throw await unservable(deps, image, { fileGone: store.capabilities.delete, cause: error }, `${fileOf(image)} is missing from its store`);
    }
    if (error instanceof InvalidRangeError && range !== null) {
      // The range lies inside the record's size (checked before): the store's object is shorter than recorded.
      const problem = `${fileOf(image)} is recorded with ${image.size} bytes, the store has fewer: ${error.reason}`;
      throw await unservable(deps, image, { fileGone: false, cause: error }, problem);
    }
    throw asBackendError(store, image.id, error);
  }
  if (stored !== image.size) {
    if ('reader' in source) await source.reader.close().catch(() => undefined);
    else source.stream.destroy();
    throw await unservable(deps, image, { fileGone: false }, `${fileOf(image)} has ${stored} bytes, not the ${image.size} its record says`);
  }
  const changes = registered && current ? objectChanges(registered, current) : [];
  if (changes.length > 0) {
    if ('stream' in source) source.stream.destroy();
    throw await unservable(deps, image, { fileGone: false }, `${fileOf(image)} changed in its store since it was registered: ${changes.join(', ')}`);
  }
  return source;
}

/** `the file of image '<id>' at <location>` (the location as errors may show it: no query string). */
function fileOf(image: Image): string {
  return `the file of image '${image.id}' at ${shownLocation(image.location!)}`;
}

/** What differs between a registered object and what its store says now (ETag, version), as phrases for a message. */
function objectChanges(registered: RegisteredObject, now: ObjectInfo): string[] {
  const changes: string[] = [];
  if (registered.etag !== null && now.etag !== undefined && now.etag !== registered.etag) changes.push(`ETag ${registered.etag} → ${now.etag}`);
  if (registered.version !== null && now.version !== undefined && now.version !== registered.version) {
    changes.push(`version ${registered.version} → ${now.version}`);
  }
  return changes;
}

/**
 * The first full download of an image registered by location with declared
 * digests: the bytes pass through a verifier; on a match the image is marked
 * verified, else it goes to status `error` and the download fails before its
 * last chunk.
 */
function verifiedOnce(deps: ImageDeps, image: Image, bytes: Readable): Readable {
  const declared = { ...(image.checksum === null ? {} : { md5: image.checksum }), ...(image.sha256 === null ? {} : { sha256: image.sha256 }) };
  const verifier = verifyingStream(declared, async (mismatches) => {
    if (mismatches.length === 0) {
      await deps.metadata.markDigestsVerified(image.id);
      return undefined;
    }
    return unservable(deps, image, { fileGone: false }, `the bytes of ${fileOf(image)} have ${mismatches.join(' and ')}`);
  });
  pipeline(bytes, verifier, () => undefined);
  return verifier;
}

/** The store's own URL for the image's object (a presigned URL), valid for REDIRECT_EXPIRES_SECONDS. */
async function storeRedirect(store: StoreBackend, image: Image): Promise<string> {
  try {
    return await store.redirectUrl(image.location!, { expiresIn: REDIRECT_EXPIRES_SECONDS, method: 'GET' });
  } catch (error) {
    throw asBackendError(store, image.id, error);
  }
}

/**
 * The record says available but the store lost the file or it changed behind
 * Visor's back: mark the image `error` so a new upload can repair it, and
 * return the error that says so (an ObjectChangedError: 502, naming the store,
 * the image, the location and the cause).
 */
async function unservable(deps: ImageDeps, image: Image, how: { fileGone: boolean; cause?: unknown }, problem: string): Promise<ObjectChangedError> {
  await deps.metadata.markLost(image.id, now(), how.fileGone);
  const writable = deps.backends.get(image.store)?.capabilities.write ?? true;
  const next = writable ? 'accepts a new upload' : 'can be deleted and registered again';
  const error = new ObjectChangedError(image.store, image.id, `${problem}; the image is now in status 'error' and ${next}`, {
    location: shownLocation(image.location!),
    ...(how.cause === undefined ? {} : { cause: how.cause }),
  });
  deps.logger.error('image file unservable; image marked error', { image: image.id, store: image.store, err: error });
  return error;
}
