import type { Logger, OperationContext, VisorHooks } from '@visor/plugin-api';
import type { AfterHooks } from '../hooks/after-hooks.js';
import type { ImageRecords } from '../metadata/image-records.js';
import type { StoreBackend } from '../stores/store-backend.js';

/** Told when an image file starts moving; the function returned is called once it stopped (metrics). */
export interface TransferTracker {
  transferStarted(direction: 'upload' | 'download', store: string): () => void;
}

/** What every image operation works with. */
export interface ImageDeps {
  /** The image records (the metadata store, or a stand-in in tests). */
  metadata: ImageRecords;
  /** Every store's backend, behind the core's wrapper. */
  backends: ReadonlyMap<string, StoreBackend>;
  defaultStore: string;
  /** Bytes; null for no limit. */
  maxImageBytes: number | null;
  hooks: VisorHooks;
  /** Runs the after-hooks, detached. */
  afterHooks: AfterHooks;
  logger: Logger;
  /** This instance's id in the database's instance registry: uploads it runs carry it. */
  instanceId: string;
  /** Counts transfers in flight, when metrics are on. */
  transfers?: TransferTracker;
  /**
   * Failed uploads of this instance that could not be rolled back when they failed (the database
   * or the store failed too): image id → the store and location of a file stored but never
   * recorded (undefined if none), and the sweeps that tried since. The housekeeping sweep rolls
   * them back (repairUploads); meanwhile the image stays `uploading`.
   */
  unfinishedRollbacks: Map<string, { file: { store: string; location: string } | undefined; attempts: number }>;
  /** Images this instance is claiming or uploading right now (their uploads are not the sweep's to roll back). */
  uploadsInFlight: Set<string>;
}

/** The context of an in-process call that names nobody. */
export const DEFAULT_CONTEXT: OperationContext = { principal: null };

export const now = () => new Date().toISOString();
