import type { Db } from './host.js';

export const DIMENSIONS = ['store', 'format', 'architecture', 'status', 'access'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export interface ImageCounts {
  total: number;
  by_store: Record<string, number>;
  by_format: Record<string, number>;
  by_architecture: Record<string, number>;
  by_status: Record<string, number>;
  by_access: Record<string, number>;
}

export interface StoredBytes {
  store: string;
  images: number;
  bytes: number;
}

/** Restricts a query on `images` to one owner, or not at all. */
const scoped = (db: Db, owner: string | null | undefined) => (owner === undefined ? db('images') : db('images').where({ owner }));

/** Image counts by store, format, architecture, status and access; a null format counts as `none`. */
export async function imageCounts(db: Db, owner?: string | null): Promise<ImageCounts> {
  const counts: Record<string, Record<string, number>> = {};
  let total = 0;
  for (const dimension of DIMENSIONS) {
    const rows = (await scoped(db, owner).select(dimension).count({ n: '*' }).groupBy(dimension)) as Array<Record<string, unknown>>;
    const byValue: Record<string, number> = {};
    let sum = 0;
    for (const row of rows) {
      const n = Number(row.n);
      byValue[row[dimension] === null ? 'none' : String(row[dimension])] = n;
      sum += n;
    }
    counts[`by_${dimension}`] = byValue;
    total = sum;
  }
  return { total, ...(counts as Omit<ImageCounts, 'total'>) };
}

/** Bytes held per store by images that have a file. */
export async function storedBytes(db: Db, owner?: string | null): Promise<StoredBytes[]> {
  const rows = (await scoped(db, owner)
    .whereNotNull('size')
    .andWhere('status', 'available')
    .select('store')
    .count({ n: '*' })
    .sum({ bytes: 'size' })
    .groupBy('store')
    .orderBy('store')) as Array<Record<string, unknown>>;
  return rows.map((row) => ({ store: String(row.store), images: Number(row.n), bytes: Number(row.bytes ?? 0) }));
}

/** Images and stored bytes per owner (null: images nobody owns). */
export async function ownerTotals(db: Db, owner?: string | null): Promise<Array<{ user: string | null; images: number; stored_bytes: number }>> {
  const rows = (await scoped(db, owner)
    .select('owner')
    .count({ n: '*' })
    .sum({ bytes: db.raw("case when status = 'available' then size else 0 end") })
    .groupBy('owner')) as Array<Record<string, unknown>>;
  return rows.map((row) => ({ user: (row.owner as string | null) ?? null, images: Number(row.n), stored_bytes: Number(row.bytes ?? 0) }));
}
