import type { Db } from './host.js';

/** The actions an event records. */
export const ACTIONS = [
  'registered', 'updated', 'upload_started', 'uploaded', 'upload_failed', 'downloaded', 'deleted', 'shared', 'unshared',
] as const;
export type Action = (typeof ACTIONS)[number];

/** One row of the events table. */
export interface EventRow {
  id?: number;
  image_id: string;
  action: Action;
  actor: string | null;
  /** The image's owner when the event happened: who may read the history once the image is gone. */
  owner: string | null;
  /** ISO 8601, taken when the operation ended (or started, for upload_started). */
  at: string;
  /** Orders events of the same millisecond, in the order this process saw them. */
  seq: number;
  bytes: number | null;
  duration_ms: number | null;
  client_address: string | null;
  outcome: string | null;
  /** The member of shared/unshared, the error of upload_failed, the changed fields of updated. */
  detail: string | null;
  /** Snapshot of the image, for statistics that outlive it. */
  image_name: string;
  store: string;
  format: string | null;
  architecture: string;
}

/** Creates the events table unless it exists (SQLite and PostgreSQL alike). */
export async function ensureTable(db: Db, table: string): Promise<void> {
  if (await db.schema.hasTable(table)) return;
  await db.schema.createTable(table, (t) => {
    t.bigIncrements('id').primary();
    t.string('image_id', 36).notNullable();
    t.string('action', 16).notNullable();
    t.string('actor', 255).nullable();
    t.string('owner', 255).nullable();
    t.string('at', 32).notNullable();
    t.bigInteger('seq').notNullable().defaultTo(0);
    t.bigInteger('bytes').nullable();
    t.integer('duration_ms').nullable();
    t.string('client_address', 64).nullable();
    t.string('outcome', 16).nullable();
    t.text('detail').nullable();
    t.string('image_name', 255).notNullable();
    t.string('store', 64).notNullable();
    t.string('format', 8).nullable();
    t.string('architecture', 16).notNullable();
    t.index(['image_id', 'at', 'seq']);
    t.index(['action', 'at']);
    t.index(['actor']);
  });
}
