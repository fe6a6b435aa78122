import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  BackendError,
  ConflictError,
  ForbiddenError,
  InternalError,
  InvalidFieldError,
  LengthRequiredError,
  NotFoundError,
  ObjectNotFoundError,
  RangeNotSatisfiableError,
  readerStream,
  ReadOnlyBackendError,
  VisorError,
  type ByteRange,
  type Download,
  type DownloadAnswer,
  type Image,
  type ImageAction,
  type ImageDraft,
  type ImageOperations,
  type ListOptions,
  type ListResult,
  type ObjectReader,
  type OperationContext,
  type TransferStats,
  type UploadSource,
  type VisorHooks,
} from '@visor/plugin-api';
import type { MetadataStore } from '../metadata/metadata-store.js';
import { isUuid, validatePatch, validateRegistration } from '../metadata/validate-image.js';
import type { StoreBackend } from '../stores/store-backend.js';
import type { Logger } from '../util/logger.js';
import { runAfterHook } from './run-hook.js';
import { asBackendError, streamToBackend } from './stream-to-backend.js';

export type { Download, DownloadAnswer, ListOptions, ListResult, UploadSource };

/** How long a redirect to a store's own URL stays valid, in seconds. */
export const REDIRECT_EXPIRES_SECONDS = 300;

export interface ImageServiceOptions {
  metadata: MetadataStore;
  backends: ReadonlyMap<string, StoreBackend>;
  defaultStore: string;
  maxImageBytes: number | null;
  hooks: VisorHooks;
  logger: Logger;
  /** This instance's id in the database's instance registry: uploads it runs carry it. */
  instanceId: string;
}

const now = () => new Date().toISOString();
const DEFAULT_CONTEXT: OperationContext = { principal: null };

/** The image operations, shared by the REST API and in-process embedding. */
export class ImageService implements ImageOperations {
  /**
   * after* hooks run detached: the operation is done and its caller answered
   * without waiting for plugins (tracking must never slow a request). close()
   * lets the runs end before the database goes.
   */
  private readonly detached = new Set<Promise<void>>();

  constructor(private readonly options: ImageServiceOptions) {}

  /** Resolves once every hook run started without a waiting caller has ended. */
  async settle(): Promise<void> {
    while (this.detached.size > 0) await Promise.all(this.detached);
  }

  private detach(run: Promise<void>): void {
    this.detached.add(run);
    void run.finally(() => this.detached.delete(run));
  }

  private get hooks() {
    return this.options.hooks;
  }

  async get(id: string, context: OperationContext = DEFAULT_CONTEXT, action: ImageAction = 'read'): Promise<Image> {
    const image = isUuid(id) ? await this.options.metadata.find(id.toLowerCase()) : undefined;
    if (!image) throw new NotFoundError(`image '${id}' not found`);
    await this.authorize(action, image, context);
    return image;
  }

  /** Reads metadata on a client's behalf (HEAD, GET meta): counted by tracking plugins. */
  async readMetadata(id: string, context: OperationContext = DEFAULT_CONTEXT): Promise<Image> {
    const image = await this.get(id, context);
    this.detach(runAfterHook(this.hooks.afterReadMetadata, 'afterReadMetadata', this.options.logger, image, context));
    return image;
  }

  async list(options: ListOptions = {}, context: OperationContext = DEFAULT_CONTEXT): Promise<ListResult> {
    const limit = options.limit ?? 100;
    const marker = options.marker ?? null;
    const badMarker = () =>
      new InvalidFieldError('marker', `'marker' must be the id of an existing image (the last one of the previous page); '${marker}' is not`);
    if (marker !== null && !isUuid(marker)) throw badMarker();
    const { constraints } = await this.hooks.beforeList.promise({ constraints: [], context });
    const page = await this.options.metadata.list({
      filters: options.filters ?? [],
      sort: options.sort ?? 'created_at',
      dir: options.dir ?? 'asc',
      limit,
      marker: marker?.toLowerCase() ?? null,
      constraints,
      withProperties: options.detail ?? false,
    });
    if (!page) throw badMarker();
    const { images, more } = page;
    return { images, nextMarker: more ? images[images.length - 1]!.id : null };
  }

  /**
   * Registers metadata only; the image waits in status `locked` for its file.
   * With a `location` (an object that already lives in a store that registers
   * locations, e.g. a URL for the HTTP backend), the store that owns it
   * checks it and the image is `available` at once.
   */
  async register(input: unknown, context: OperationContext = DEFAULT_CONTEXT): Promise<Image> {
    const { rest, location } = takeLocation(input);
    if (location !== undefined) return this.registerLocation(rest, location, context);
    const image = await this.prepare(rest, context, 'locked');
    const store = this.backendOf(image);
    if (!store.capabilities.write) {
      throw new ReadOnlyBackendError(store.name, undefined, `store '${store.name}' is read-only: register images in it with a 'location' it owns`);
    }
    await this.options.metadata.insert(image);
    this.detach(runAfterHook(this.hooks.afterRegister, 'afterRegister', this.options.logger, image, context));
    return image;
  }

  /** An image whose object already lives in a store: routed to the store that owns the location, checked there, recorded available. */
  private async registerLocation(input: unknown, location: string, context: OperationContext): Promise<Image> {
    const requested = typeof input === 'object' && input !== null ? (input as { store?: unknown }).store : undefined;
    const owner = this.storeOwning(location, typeof requested === 'string' ? requested : undefined);
    const draft = await this.prepare({ ...(input as object), store: owner.name }, context, 'available');
    let info;
    try {
      info = await owner.stat(location);
    } catch (error) {
      throw asBackendError(owner, draft.id, error);
    }
    const image: Image = { ...draft, location, size: info.size, uploaded_at: draft.created_at };
    await this.options.metadata.insert(image);
    this.detach(runAfterHook(this.hooks.afterRegister, 'afterRegister', this.options.logger, image, context));
    return image;
  }

  /** The store a client-given location belongs to: the one named, if it owns it, else the only one that does. */
  private storeOwning(location: string, named: string | undefined): StoreBackend {
    if (named !== undefined) {
      this.checkStore(named);
      const store = this.options.backends.get(named)!;
      if (!store.capabilities.registerLocations) {
        throw new InvalidFieldError('location', `store '${named}' takes no registered locations: upload the image's file instead`);
      }
      if (!store.ownsLocation(location)) throw new InvalidFieldError('location', `'${location}' is not a location store '${named}' serves`);
      return store;
    }
    const owners = [...this.options.backends.values()].filter((store) => store.ownsLocation(location));
    if (owners.length === 0) throw new InvalidFieldError('location', `no configured store serves the location '${location}'`);
    if (owners.length > 1) {
      throw new InvalidFieldError('location', `several stores serve '${location}' (${owners.map((s) => s.name).join(', ')}): name one in 'store'`);
    }
    return owners[0]!;
  }

  /** Registers and uploads in one go; if the upload fails the record goes too. */
  async registerWithFile(input: unknown, source: UploadSource, context: OperationContext = DEFAULT_CONTEXT): Promise<Image> {
    const image = await this.prepare(input, context, 'uploading');
    this.writableBackend(image, source);
    await this.options.metadata.insert(image, this.options.instanceId);
    this.detach(runAfterHook(this.hooks.afterRegister, 'afterRegister', this.options.logger, image, context));
    return this.transfer(image, source, context);
  }

  /** Uploads the file of an image in status `locked` or `error`; a concurrent upload gets 409. */
  async upload(id: string, source: UploadSource, context: OperationContext = DEFAULT_CONTEXT): Promise<Image> {
    const image = await this.get(id, context, 'upload');
    this.writableBackend(image, source);
    if (!(await this.options.metadata.claimUpload(image.id, ['locked', 'error'], now(), this.options.instanceId))) {
      const current = await this.options.metadata.find(image.id);
      throw new ConflictError(
        current?.status === 'uploading'
          ? `image '${image.id}' is being uploaded by another request`
          : `image '${image.id}' already has a file (status '${current?.status ?? 'deleted'}'); only images in status locked or error accept an upload`,
      );
    }
    return this.transfer({ ...image, status: 'uploading' }, source, context);
  }

  async download(id: string, range: ByteRange | null = null, context: OperationContext = DEFAULT_CONTEXT): Promise<Download> {
    return this.openDownload(await this.get(id, context, 'download'), range, context, { redirect: false });
  }

  /**
   * Opens the file of an image already fetched (and authorized) with
   * `get(id, context, 'download')`: a redirect when a `beforeDownload` tap
   * answers one or the store is configured to redirect, else the bytes, from
   * positional reads where the store declares them cheap and from `get`
   * otherwise. A stored object whose size is not the record's is caught here,
   * before anything is sent.
   */
  async openDownload(image: Image, range: ByteRange | null, context: OperationContext, how: { redirect: false }): Promise<Download>;
  async openDownload(image: Image, range: ByteRange | null, context?: OperationContext, how?: { redirect: boolean }): Promise<DownloadAnswer>;
  async openDownload(
    image: Image,
    range: ByteRange | null,
    context: OperationContext = DEFAULT_CONTEXT,
    how: { redirect: boolean } = { redirect: true },
  ): Promise<DownloadAnswer> {
    const size = this.downloadableSize(image);
    if (range !== null && (range.start > range.end || range.end >= size)) {
      throw new RangeNotSatisfiableError(`range ${range.start}-${range.end} is outside the image's ${size} bytes`, size);
    }
    const decision = await this.hooks.beforeDownload.promise(image, context);
    const backend = this.backendOf(image);
    const started = Date.now();
    let finished = false;
    const finish = (stats: Omit<TransferStats, 'durationMs'>) => {
      if (finished) return;
      finished = true;
      this.detach(runAfterHook(this.hooks.afterDownload, 'afterDownload', this.options.logger, image, { ...stats, durationMs: Date.now() - started }, context));
    };
    if (how.redirect) {
      const redirect = (decision ? decision.redirect : undefined) ?? (backend.redirectDownloads ? await this.storeRedirect(backend, image) : undefined);
      if (redirect !== undefined) return { image, redirect, range, finish };
    }

    let source: { reader: ObjectReader } | { stream: Readable };
    let stored: number;
    try {
      if (backend.capabilities.positionalReads) {
        const reader = await backend.openReader(image.location!);
        source = { reader };
        stored = reader.size;
      } else {
        const { body, info } = await backend.get(image.location!, range === null ? {} : { range });
        source = { stream: body };
        stored = info.size;
      }
    } catch (error) {
      if (error instanceof ObjectNotFoundError) {
        throw await this.unservable(image, { fileGone: true, cause: error }, `the file of image '${image.id}' is missing from its store`);
      }
      throw asBackendError(backend, image.id, error);
    }
    if (stored !== size) {
      if ('reader' in source) await source.reader.close().catch(() => undefined);
      else source.stream.destroy();
      throw await this.unservable(image, { fileGone: false }, `the stored file of image '${image.id}' has ${stored} bytes, not the ${size} its record says`);
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

  /** The store's own URL for the image's object (a presigned URL), valid for REDIRECT_EXPIRES_SECONDS. */
  private async storeRedirect(backend: StoreBackend, image: Image): Promise<string> {
    try {
      return await backend.redirectUrl(image.location!, { expiresIn: REDIRECT_EXPIRES_SECONDS, method: 'GET' });
    } catch (error) {
      throw asBackendError(backend, image.id, error);
    }
  }

  /**
   * The record says available but the store lost the file or it changed behind
   * Visor's back: mark the image `error` so a new upload can repair it, and
   * return the error that says so.
   */
  private async unservable(image: Image, how: { fileGone: boolean; cause?: unknown }, problem: string): Promise<BackendError> {
    await this.options.metadata.markLost(image.id, now(), how.fileGone);
    const error = new BackendError(image.store, image.id, `${problem}; the image is now in status 'error' and accepts a new upload`, how.cause === undefined ? {} : { cause: how.cause });
    this.options.logger.error('image file unservable; image marked error', { image: image.id, store: image.store, err: error });
    return error;
  }

  /** The size of an image's file; ConflictError when it has none yet. */
  downloadableSize(image: Image): number {
    if (image.status !== 'available' || image.location === null || image.size === null) {
      throw new ConflictError(`image '${image.id}' has no file to download: its status is '${image.status}'`);
    }
    return image.size;
  }

  async update(id: string, input: unknown, context: OperationContext = DEFAULT_CONTEXT): Promise<Image> {
    const image = await this.get(id, context, 'update');
    const patch = validatePatch(input);
    const { store, kernel, ramdisk } = patch.fields;
    if (store !== undefined && store !== image.store) {
      this.checkStore(store);
      if (image.status === 'available' || image.status === 'uploading') {
        throw new ConflictError(`image '${image.id}' already has a file in store '${image.store}'; its store cannot change`);
      }
    }
    if (kernel) await this.checkReference('kernel', kernel);
    if (ramdisk) await this.checkReference('ramdisk', ramdisk);
    if (patch.fields.type !== undefined && patch.fields.type !== image.type) {
      const referrers = await this.options.metadata.referencing(image.id);
      if (referrers.length > 0) {
        throw new ConflictError(`image '${image.id}' is the ${image.type} of ${referrers.map((r) => `'${r}'`).join(', ')}; its type cannot change`);
      }
    }
    await this.hooks.beforeUpdate.promise(image, patch, context);
    const updated = await this.options.metadata.update(image.id, patch.fields, patch.properties, now());
    if (!updated) throw new NotFoundError(`image '${id}' not found`);
    this.detach(runAfterHook(this.hooks.afterUpdate, 'afterUpdate', this.options.logger, updated, image, context));
    return updated;
  }

  /** Deletes file then record; if the file cannot be deleted the record stays and the error is raised. */
  async delete(id: string, context: OperationContext = DEFAULT_CONTEXT): Promise<Image> {
    const image = await this.get(id, context, 'delete');
    if (image.status === 'uploading') {
      throw new ConflictError(`image '${image.id}' is being uploaded; delete it once the upload has ended`);
    }
    const referrers = await this.options.metadata.referencing(image.id);
    if (referrers.length > 0) {
      throw new ConflictError(`image '${image.id}' is the kernel or ramdisk of ${referrers.map((r) => `'${r}'`).join(', ')}; update or delete those first`);
    }
    await this.hooks.beforeDelete.promise(image, context);
    // A store that does not delete (a read-only source) keeps the object: only the record goes.
    const store = this.options.backends.get(image.store);
    if (image.location !== null && (store === undefined || store.capabilities.delete)) {
      const backend = this.backendOf(image);
      try {
        await backend.delete(image.location);
      } catch (error) {
        if (!(error instanceof ObjectNotFoundError)) throw asBackendError(backend, image.id, error);
        this.options.logger.warn('image file was already missing from its store', { image: image.id, store: image.store });
      }
    }
    await this.options.metadata.remove(image.id);
    this.detach(runAfterHook(this.hooks.afterDelete, 'afterDelete', this.options.logger, image, context));
    return image;
  }

  /**
   * Rolls back uploads no live instance runs (their instance crashed or was
   * killed): the images go back to their former status, or away if the upload
   * created them. Then each backend drops leftovers of interrupted writes:
   * all of them (`leftoverMinAgeMs` undefined) when no other instance shares
   * the database, else only those untouched for `leftoverMinAgeMs`, which a
   * live upload's never are (uploads idle for longer are cut).
   */
  async repair(leftoverMinAgeMs?: number): Promise<{ images: number; leftovers: number }> {
    const { metadata, instanceId, logger } = this.options;
    const stale = await metadata.staleUploads();
    let rolledBack = 0;
    for (const { image, owner } of stale) {
      // Several instances may sweep at once: the one taking the upload over rolls it back.
      if (!(await metadata.takeOverUpload(image.id, owner, instanceId))) continue;
      try {
        // While the image is still 'uploading', no other upload can claim it: the file goes first.
        await this.removeUnrecordedFile(image);
      } catch (error) {
        // Handed back to the dead instance, so that the next sweep (of any instance) tries again.
        await metadata.takeOverUpload(image.id, instanceId, owner);
        logger.error('could not remove the file of an interrupted upload; trying again at the next sweep', { image: image.id, store: image.store, err: error });
        continue;
      }
      const outcome = await metadata.releaseUpload(image.id, now(), instanceId);
      rolledBack += 1;
      logger.warn('rolled back an upload its instance left unfinished', { image: image.id, outcome });
      // So that tracking's history shows how the upload ended; what it had received is unknown.
      const interrupted = new InternalError(`the upload of image '${image.id}' stopped with the Visor instance running it; rolled back`);
      const stats: TransferStats = { bytes: 0, durationMs: 0, outcome: 'failed' };
      this.detach(runAfterHook(this.hooks.afterUploadFailed, 'afterUploadFailed', logger, image, interrupted, stats, DEFAULT_CONTEXT));
    }
    let leftovers = 0;
    for (const backend of this.options.backends.values()) {
      if (!backend.capabilities.write) continue;
      try {
        leftovers += await backend.cleanup(leftoverMinAgeMs === undefined ? {} : { minAgeMs: leftoverMinAgeMs });
      } catch (error) {
        // A store that cannot be reached now (an S3 endpoint down, a bucket missing) must not keep Visor
        // from starting or the other stores from being swept: GET /status reports it, the next sweep retries.
        logger.error('could not remove the leftovers of a store; trying again at the next sweep', { store: backend.name, err: error });
      }
    }
    if (leftovers > 0) logger.warn('removed leftovers of interrupted uploads', { count: leftovers });
    return { images: rolledBack, leftovers };
  }

  /**
   * An instance that died between its backend's commit and the metadata
   * update left a file no record names; where the backend can tell the
   * location of a key, it goes.
   */
  private async removeUnrecordedFile(image: Image): Promise<void> {
    const backend = this.options.backends.get(image.store);
    if (!backend?.capabilities.locateBeforeWrite) return;
    try {
      await backend.delete(backend.locationOf(image.id));
      this.options.logger.warn('removed the file of an upload that was stored but never recorded', { image: image.id, store: image.store });
    } catch (error) {
      if (!(error instanceof ObjectNotFoundError)) throw error;
    }
  }

  private async prepare(input: unknown, context: OperationContext, status: 'locked' | 'uploading' | 'available'): Promise<Image> {
    const valid = validateRegistration(input);
    const store = valid.store ?? this.options.defaultStore;
    this.checkStore(store);
    if (valid.kernel) await this.checkReference('kernel', valid.kernel);
    if (valid.ramdisk) await this.checkReference('ramdisk', valid.ramdisk);
    const draft: ImageDraft = { ...valid, store, owner: context.principal?.id ?? null };
    await this.hooks.beforeRegister.promise(draft, context);
    const time = now();
    return {
      id: randomUUID(),
      ...draft,
      location: null,
      status,
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

  private async transfer(image: Image, source: UploadSource, context: OperationContext): Promise<Image> {
    const started = Date.now();
    let bytes = 0;
    try {
      await this.hooks.beforeUpload.promise(image, context);
      const backend = this.writableBackend(image, source);
      const stored = await streamToBackend(backend, image.id, source, {
        expect: { ...source.expect, maxBytes: this.options.maxImageBytes },
        onBytes: (n) => {
          bytes = n;
        },
        // Only the instance still holding the claim may replace the image's file.
        beforeCommit: () => this.assertOwnsUpload(image.id),
      });
      const done = await this.options.metadata.completeUpload(image.id, this.options.instanceId, backend.name, stored, now());
      if (!done) {
        await backend.delete(stored.location).catch(() => undefined);
        throw new ConflictError(`image '${image.id}' was deleted (or its upload rolled back) while its file was uploading; the file was discarded`);
      }
      this.detach(runAfterHook(this.hooks.afterUpload, 'afterUpload', this.options.logger, done, {
        bytes: stored.size,
        durationMs: Date.now() - started,
        outcome: 'completed',
      }, context));
      return done;
    } catch (error) {
      await this.options.metadata.releaseUpload(image.id, now(), this.options.instanceId).catch((releaseError: unknown) =>
        this.options.logger.error('could not release a failed upload', { image: image.id, err: releaseError }),
      );
      const stats: TransferStats = {
        bytes,
        durationMs: Date.now() - started,
        outcome: error instanceof VisorError && error.code === 'ClientClosedRequest' ? 'aborted' : 'failed',
      };
      this.detach(runAfterHook(this.hooks.afterUploadFailed, 'afterUploadFailed', this.options.logger, image, error as Error, stats, context));
      throw error;
    }
  }

  private async assertOwnsUpload(id: string): Promise<void> {
    if (await this.options.metadata.ownsUpload(id, this.options.instanceId)) return;
    throw new ConflictError(`the upload of image '${id}' was cancelled meanwhile (the image was deleted, or its upload rolled back); nothing was stored`);
  }

  private async authorize(action: ImageAction, image: Image, context: OperationContext): Promise<void> {
    if (!this.hooks.authorizeImage.isUsed()) return;
    const decision = await this.hooks.authorizeImage.promise({ action, image, context });
    if (decision === 'hide') throw new NotFoundError(`image '${image.id}' not found`);
    if (decision === 'deny') throw new ForbiddenError(`you may not ${action} image '${image.id}'`);
  }

  private checkStore(store: string): void {
    if (!this.options.backends.has(store)) {
      throw new InvalidFieldError('store', `store '${store}' is not configured; configured stores: ${[...this.options.backends.keys()].join(', ')}`, {
        details: { allowed: [...this.options.backends.keys()] },
      });
    }
  }

  private async checkReference(field: 'kernel' | 'ramdisk', id: string): Promise<void> {
    const target = await this.options.metadata.exists(id);
    if (!target || target.type !== field) {
      throw new InvalidFieldError(field, `'${field}' must be the id of an existing image of type ${field}; '${id}' is ${target ? `of type ${target.type}` : 'not an image'}`);
    }
  }

  private backendOf(image: Image): StoreBackend {
    const backend = this.options.backends.get(image.store);
    if (!backend) throw new ConflictError(`image '${image.id}' lives in store '${image.store}', which is no longer configured`);
    return backend;
  }

  /** The image's store, if it takes this upload: read-only stores refuse (405), stores needing the size refuse a body without one (411). */
  private writableBackend(image: Image, source: UploadSource): StoreBackend {
    const backend = this.backendOf(image);
    if (!backend.capabilities.write) {
      throw new ReadOnlyBackendError(backend.name, image.id, `store '${backend.name}' is read-only: it takes no uploads (register images in it with a location)`);
    }
    if (backend.capabilities.sizeRequired && (source.expect.size ?? source.lengthHint) === undefined) {
      throw new LengthRequiredError(
        `store '${backend.name}' needs the image's size before the upload starts (it cannot take a body of unknown length): send Content-Length or x-image-meta-size`,
      );
    }
    return backend;
  }
}


/** Splits a client-given `location` off a registration (only the server sets it otherwise). */
function takeLocation(input: unknown): { rest: unknown; location: string | undefined } {
  if (typeof input !== 'object' || input === null || Array.isArray(input) || !('location' in input)) return { rest: input, location: undefined };
  const { location, ...rest } = input as Record<string, unknown>;
  if (typeof location !== 'string' || location.length === 0 || location.length > 2048 || !URL.canParse(location)) {
    throw new InvalidFieldError('location', "'location' must be an absolute URI of at most 2048 characters naming an object a configured store serves");
  }
  return { rest, location };
}
