import type { Db } from './host.js';

export interface DailyFigures {
  day: string;
  uploads: number;
  uploaded_bytes: number;
  downloads: number;
  downloaded_bytes: number;
}

export interface TopImage {
  image_id: string;
  name: string;
  downloads: number;
  bytes: number;
}

export interface ActorTotals {
  user: string | null;
  registered: number;
  uploads: number;
  uploaded_bytes: number;
  downloads: number;
  downloaded_bytes: number;
}

/** Events counted as transfers: uploads stored, downloads whose client got every byte. */
const transfers = (db: Db, table: string, actor: string | null | undefined) => {
  const query = db(table).where('outcome', 'completed').whereIn('action', ['uploaded', 'downloaded']);
  return actor === undefined ? query : query.andWhere('actor', actor);
};

const DAY_MS = 24 * 60 * 60 * 1000;

/** The last `days` days (UTC, today included), oldest first, with zeros for quiet days. */
export async function dailyTransfers(db: Db, table: string, days: number, now: Date, actor?: string | null): Promise<DailyFigures[]> {
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (days - 1) * DAY_MS);
  const rows = (await transfers(db, table, actor)
    .andWhere('at', '>=', first.toISOString())
    .select(db.raw('substr(at, 1, 10) as day'), 'action')
    .count({ n: '*' })
    .sum({ bytes: 'bytes' })
    .groupByRaw('substr(at, 1, 10), action')) as Array<Record<string, unknown>>;
  const out: DailyFigures[] = [];
  for (let i = 0; i < days; i++) {
    out.push({ day: new Date(first.getTime() + i * DAY_MS).toISOString().slice(0, 10), uploads: 0, uploaded_bytes: 0, downloads: 0, downloaded_bytes: 0 });
  }
  const byDay = new Map(out.map((d) => [d.day, d]));
  for (const row of rows) {
    const day = byDay.get(String(row.day));
    if (!day) continue;
    if (row.action === 'uploaded') {
      day.uploads += Number(row.n);
      day.uploaded_bytes += Number(row.bytes ?? 0);
    } else {
      day.downloads += Number(row.n);
      day.downloaded_bytes += Number(row.bytes ?? 0);
    }
  }
  return out;
}

/** The images downloaded most often (completed downloads), ties by id. */
export async function topDownloads(db: Db, table: string, limit: number, actor?: string | null): Promise<TopImage[]> {
  const query = db(table).where({ action: 'downloaded', outcome: 'completed' });
  if (actor !== undefined) query.andWhere('actor', actor);
  const rows = (await query
    .select('image_id')
    .max({ name: 'image_name' })
    .count({ n: '*' })
    .sum({ bytes: 'bytes' })
    .groupBy('image_id')
    .orderBy([{ column: 'n', order: 'desc' }, { column: 'image_id' }])
    .limit(limit)) as Array<Record<string, unknown>>;
  return rows.map((row) => ({ image_id: String(row.image_id), name: String(row.name), downloads: Number(row.n), bytes: Number(row.bytes ?? 0) }));
}

/** What each actor did (null: requests without a principal). */
export async function actorTotals(db: Db, table: string, actor?: string | null): Promise<ActorTotals[]> {
  const query = db(table);
  if (actor !== undefined) query.where('actor', actor);
  const done = (action: string) => `case when action = '${action}' and outcome = 'completed'`;
  const rows = (await query
    .select('actor')
    .select(
      db.raw(`sum(${done('registered')} then 1 else 0 end) as registered`),
      db.raw(`sum(${done('uploaded')} then 1 else 0 end) as uploads`),
      db.raw(`sum(${done('uploaded')} then bytes else 0 end) as uploaded_bytes`),
      db.raw(`sum(${done('downloaded')} then 1 else 0 end) as downloads`),
      db.raw(`sum(${done('downloaded')} then bytes else 0 end) as downloaded_bytes`),
    )
    .groupBy('actor')) as Array<Record<string, unknown>>;
  return rows.map((row) => ({
    user: (row.actor as string | null) ?? null,
    registered: Number(row.registered ?? 0),
    uploads: Number(row.uploads ?? 0),
    uploaded_bytes: Number(row.uploaded_bytes ?? 0),
    downloads: Number(row.downloads ?? 0),
    downloaded_bytes: Number(row.downloaded_bytes ?? 0),
  }));
}
