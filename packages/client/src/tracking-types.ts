/** Documents of the `tracking` plugin's routes (docs/rest-api.md, "GET /images/:id/history" and "GET /stats"). */

export type HistoryAction =
  | 'registered'
  | 'updated'
  | 'upload_started'
  | 'uploaded'
  | 'upload_failed'
  | 'downloaded'
  | 'deleted'
  | 'shared'
  | 'unshared';

/** One life-cycle event of an image. */
export interface HistoryEvent {
  id: number;
  action: HistoryAction | string;
  /** The caller's access key; null without `auth`. */
  actor: string | null;
  /** ISO 8601 UTC. */
  at: string;
  /** Bytes moved (uploads, downloads). */
  bytes: number | null;
  duration_ms: number | null;
  client_address: string | null;
  /** `started`, `completed`, `failed`, … */
  outcome: string | null;
  /** The changed fields (`updated`), the member (`shared`, `unshared`), or null. */
  detail: string | null;
}

/** One page of an image's history, oldest first. */
export interface HistoryPage {
  history: HistoryEvent[];
  /** The `marker` of the next page; null on the last page. */
  next: string | null;
}

export interface HistoryOptions {
  /** Events per page, 1 to 1000; 100 by default. */
  limit?: number;
  /** The `next` of the previous page. */
  marker?: string;
}

export interface ImageCounts {
  total: number;
  by_store: Record<string, number>;
  /** A null format counts as `none`. */
  by_format: Record<string, number>;
  by_architecture: Record<string, number>;
  by_status: Record<string, number>;
  by_access: Record<string, number>;
}

/** Images with a file in one store, and their bytes. */
export interface StoredBytes {
  store: string;
  images: number;
  bytes: number;
}

/** Completed transfers of one UTC day (`YYYY-MM-DD`). */
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

export interface UserTotals {
  user: string | null;
  images: number;
  stored_bytes: number;
  registered: number;
  uploads: number;
  uploaded_bytes: number;
  downloads: number;
  downloaded_bytes: number;
}

/** The document of `GET /stats`: everything for admins (`all`), the caller's own figures otherwise (`own`). */
export interface Stats {
  scope: 'all' | 'own';
  generated_at: string;
  images: ImageCounts;
  stored: StoredBytes[];
  /** The last `statsDays` days, oldest first, today last. */
  daily: DailyFigures[];
  top_downloads: TopImage[];
  users: UserTotals[];
}
