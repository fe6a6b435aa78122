import { InvalidFieldError, NotFoundError, type Principal } from '@visor/plugin-api';
import { mayReadHistory } from './access.js';
import type { Db } from './host.js';
import type { Page } from './paging.js';

/** One event as GET /images/:id/history shows it. */
export interface HistoryEntry {
  id: number;
  action: string;
  actor: string | null;
  at: string;
  bytes: number | null;
  duration_ms: number | null;
  client_address: string | null;
  outcome: string | null;
  detail: string | null;
}

export interface HistoryPage {
  history: HistoryEntry[];
  next: string | null;
}

const nullableNumber = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

function toEntry(row: Record<string, unknown>): HistoryEntry {
  return {
    id: Number(row.id),
    action: String(row.action),
    actor: (row.actor as string | null) ?? null,
    at: String(row.at),
    bytes: nullableNumber(row.bytes),
    duration_ms: nullableNumber(row.duration_ms),
    client_address: (row.client_address as string | null) ?? null,
    outcome: (row.outcome as string | null) ?? null,
    detail: (row.detail as string | null) ?? null,
  };
}

/**
 * The owner of an image: from its record while it exists, else from its last
 * event. `undefined` when Visor knows nothing of the id.
 */
async function ownerOf(db: Db, table: string, id: string): Promise<{ owner: string | null } | undefined> {
  const image = (await db('images').where({ id }).first('owner')) as { owner: string | null } | undefined;
  if (image) return { owner: image.owner ?? null };
  const last = (await db(table).where({ image_id: id }).orderBy([{ column: 'at', order: 'desc' }, { column: 'seq', order: 'desc' }, { column: 'id', order: 'desc' }]).first('owner')) as
    | { owner: string | null }
    | undefined;
  return last ? { owner: last.owner ?? null } : undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An image's events, oldest first, one page; 404 for unknown ids and for callers who may not see it. */
export async function readHistory(db: Db, table: string, rawId: string, principal: Principal | null, page: Page): Promise<HistoryPage> {
  const notFound = () => new NotFoundError(`image '${rawId}' not found`);
  if (!UUID.test(rawId)) throw notFound();
  const id = rawId.toLowerCase();
  const known = await ownerOf(db, table, id);
  if (!known || !mayReadHistory(principal, known.owner)) throw notFound();

  const query = db(table).where({ image_id: id });
  if (page.marker !== null) {
    const marker = (await db(table).where({ image_id: id, id: page.marker }).first('at', 'seq', 'id')) as
      | { at: string; seq: number | string; id: number | string }
      | undefined;
    if (!marker) {
      throw new InvalidFieldError('marker', `'marker' must be the id of an event of this image (the last one of the previous page); '${page.marker}' is not`);
    }
    const seq = Number(marker.seq);
    const markerId = Number(marker.id);
    query.andWhere((w) => {
      w.where('at', '>', marker.at).orWhere((same) =>
        same.where('at', marker.at).andWhere((tie) => tie.where('seq', '>', seq).orWhere((s) => s.where('seq', seq).andWhere('id', '>', markerId))),
      );
    });
  }
  const rows = (await query
    .orderBy([{ column: 'at' }, { column: 'seq' }, { column: 'id' }])
    .limit(page.limit + 1)
    .select('id', 'action', 'actor', 'at', 'bytes', 'duration_ms', 'client_address', 'outcome', 'detail')) as Array<Record<string, unknown>>;
  const more = rows.length > page.limit;
  const history = rows.slice(0, page.limit).map(toEntry);
  return { history, next: more ? String(history[history.length - 1]!.id) : null };
}
