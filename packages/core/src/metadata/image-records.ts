import type { Image, ImageStatus, ListConstraint, ListFilter, PropertyValue } from '@visor/plugin-api';

export interface ListQuery {
  filters: ListFilter[];
  sort: string;
  dir: 'asc' | 'desc';
  limit: number;
  /** The id of the last image of the previous page. */
  marker: string | null;
  /** Where the previous page ended (a keyset cursor's content); wins over `marker`. */
  after?: { value: string | number | Date | null; id: string } | null;
  constraints: ListConstraint[];
  withProperties: boolean;
}

export interface StoredFile {
  location: string;
  /** Bytes. */
  size: number;
  /** MD5, lower-case hex. */
  checksum: string;
  /** SHA-256, lower-case hex. */
  sha256: string;
  /** The store's entity tag and version of the object, where it gives them (logged; not recorded yet). */
  etag?: string;
  version?: string;
}

/**
 * What Visor recorded of an object registered by location (not written by
 * Visor): the store's ETag and version then, and whether the digests the
 * client declared have been checked against the bytes.
 */
export interface RegisteredObject {
  etag: string | null;
  version: string | null;
  digestsVerified: boolean;
}

/** What an interrupted upload left: the image and what to do with it. */
export interface StaleUpload {
  image: Image;
  /** The status to go back to, or 'none' when the record itself must go. */
  restore: ImageStatus | 'none';
  /** The dead instance that ran it (null: a row older than upload owners). */
  owner: string | null;
}

/**
 * What the image operations need of the metadata store: the records of
 * images and their uploads. MetadataStore implements it on SQL; a test may
 * give the operations another implementation.
 */
export interface ImageRecords {
  find(id: string): Promise<Image | undefined>;
  exists(id: string): Promise<Pick<Image, 'id' | 'type'> | undefined>;
  list(query: ListQuery): Promise<{ images: Image[]; more: boolean; last: { value: string | number | Date | null; id: string } | null } | undefined>;
  insert(image: Image, uploadOwner?: string | null): Promise<void>;
  update(id: string, fields: Partial<Image>, properties: Record<string, PropertyValue | null>, updatedAt: string): Promise<Image | undefined>;
  claimUpload(id: string, from: readonly ImageStatus[], now: string, owner: string): Promise<boolean>;
  ownsUpload(id: string, owner: string): Promise<boolean>;
  completeUpload(id: string, owner: string, store: string, file: StoredFile, now: string): Promise<Image | undefined>;
  releaseUpload(id: string, now: string, owner?: string): Promise<'restored' | 'removed' | 'missing'>;
  staleUploads(): Promise<StaleUpload[]>;
  takeOverUpload(id: string, from: string | null, to: string | null): Promise<boolean>;
  remove(id: string): Promise<boolean>;
  referencing(id: string): Promise<string[]>;
  markLost(id: string, now: string, fileGone: boolean): Promise<void>;
  /** Inserts an image registered by location with what was recorded of its object. */
  insertRegistered(image: Image, object: RegisteredObject): Promise<void>;
  /** What was recorded of an image's object at its registration by location; undefined for uploaded images. */
  registeredObject(id: string): Promise<RegisteredObject | undefined>;
  markDigestsVerified(id: string): Promise<void>;
}
