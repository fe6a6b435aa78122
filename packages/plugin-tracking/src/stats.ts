import type { Principal } from '@visor/plugin-api';
import { seesEverything } from './access.js';
import type { Db } from './host.js';
import type { TrackingOptions } from './options.js';
import { actorTotals, dailyTransfers, topDownloads, type ActorTotals, type DailyFigures, type TopImage } from './stats-events.js';
import { imageCounts, ownerTotals, storedBytes, type ImageCounts, type StoredBytes } from './stats-images.js';

export interface UserTotals extends ActorTotals {
  images: number;
  stored_bytes: number;
}

export interface Stats {
  /** `all` for admins (and without access control), `own` for a user. */
  scope: 'all' | 'own';
  generated_at: string;
  images: ImageCounts;
  stored: StoredBytes[];
  daily: DailyFigures[];
  top_downloads: TopImage[];
  users: UserTotals[];
}

function mergeUsers(owners: Awaited<ReturnType<typeof ownerTotals>>, actors: ActorTotals[]): UserTotals[] {
  const users = new Map<string | null, UserTotals>();
  const entry = (user: string | null) => {
    let found = users.get(user);
    if (!found) {
      found = { user, images: 0, stored_bytes: 0, registered: 0, uploads: 0, uploaded_bytes: 0, downloads: 0, downloaded_bytes: 0 };
      users.set(user, found);
    }
    return found;
  };
  for (const o of owners) Object.assign(entry(o.user), { images: o.images, stored_bytes: o.stored_bytes });
  for (const a of actors) Object.assign(entry(a.user), { ...a, user: a.user });
  // Named users first, by name; the anonymous line (null) last.
  return [...users.values()].sort((x, y) => (x.user === null ? 1 : y.user === null ? -1 : x.user < y.user ? -1 : x.user > y.user ? 1 : 0));
}

/** The usage figures a principal may see: everything, or their own images and their own events. */
export async function computeStats(db: Db, options: TrackingOptions, principal: Principal | null, now = new Date()): Promise<Stats> {
  const only = seesEverything(principal) ? undefined : principal!.id;
  const [images, stored, daily, top, owners, actors] = await Promise.all([
    imageCounts(db, only),
    storedBytes(db, only),
    dailyTransfers(db, options.table, options.statsDays, now, only),
    topDownloads(db, options.table, options.topImages, only),
    ownerTotals(db, only),
    actorTotals(db, options.table, only),
  ]);
  return {
    scope: only === undefined ? 'all' : 'own',
    generated_at: now.toISOString(),
    images,
    stored,
    daily,
    top_downloads: top,
    users: mergeUsers(owners, actors),
  };
}
