import type { Image, Logger, OperationContext } from '@visor/plugin-api';
import type { Db } from './host.js';
import type { Action, EventRow } from './schema.js';

/** What an event adds to the image and the context it is about. */
export interface EventExtra {
  bytes?: number | null;
  durationMs?: number | null;
  outcome?: string | null;
  detail?: string | null;
}

/** How events are batched (the plugin options `flushMs` and `maxQueuedEvents`). */
export interface RecorderLimits {
  /** Milliseconds an event may wait in memory before its batch is written. */
  flushMs: number;
  /** Events held in memory at most; past that, new events are dropped (and counted in the log). */
  maxQueued: number;
}

const MAX_DETAIL = 1000;
/**
 * Rows per INSERT statement: 15 columns × 60 = 900 bound values, under
 * SQLite's oldest limit of 999 per statement (SQLITE_MAX_VARIABLE_NUMBER).
 */
const ROWS_PER_INSERT = 60;

/**
 * Writes events in batches: each row is built synchronously (time and order
 * are those of the call) and queued; the queue is written in one transaction
 * at most `flushMs` after its first event, so requests share the database
 * connection with one short transaction every few milliseconds instead of
 * one insert per event. The queue is bounded (`maxQueued`) and written out
 * on `settle()` (before the database closes), so closing loses no event; a
 * crash loses at most the last `flushMs` of them. A failed write is logged,
 * never thrown.
 */
export class Recorder {
  private seq = 0;
  private queue: EventRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private dropped = 0;

  constructor(
    private readonly db: Db,
    private readonly table: string,
    private readonly logger: Logger,
    private readonly limits: RecorderLimits,
  ) {}

  /**
   * Builds the row now and queues it. Returns at once: the write is the
   * recorder's business (`flush`, `settle`), so the core's wait for detached
   * hooks at close does not wait for a batch to fall due.
   */
  record(action: Action, image: Image, context: OperationContext, extra: EventExtra = {}): void {
    let row: EventRow;
    try {
      row = this.row(action, image, context, extra);
    } catch (error) {
      this.logger.error('tracking could not record an event', { action, image: image?.id, err: error });
      return;
    }
    if (this.queue.length >= this.limits.maxQueued) {
      if (this.dropped++ === 0) {
        this.logger.error('tracking dropped an event: the database does not keep up (maxQueuedEvents reached)', {
          action,
          image: row.image_id,
          maxQueuedEvents: this.limits.maxQueued,
        });
      }
      return;
    }
    this.queue.push(row);
    this.schedule();
  }

  /** Writes every queued event now; resolves once they are stored (or the failure logged). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.writing) await this.writing;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    const writing = this.write(batch).finally(() => {
      this.writing = undefined;
      if (this.queue.length > 0) this.schedule();
    });
    this.writing = writing;
    await writing;
  }

  /** Writes out the queue and waits for every write started (before the database closes). */
  async settle(): Promise<void> {
    while (this.queue.length > 0 || this.writing) await this.flush();
  }

  private schedule(): void {
    if (this.timer || this.writing) return; // the running write reschedules when it ends
    this.timer = setTimeout(() => void this.flush(), this.limits.flushMs);
  }

  private row(action: Action, image: Image, context: OperationContext, extra: EventExtra): EventRow {
    return {
      image_id: image.id,
      action,
      actor: context?.principal?.id ?? null,
      owner: image.owner ?? null,
      at: new Date().toISOString(),
      seq: ++this.seq,
      bytes: extra.bytes ?? null,
      duration_ms: extra.durationMs === undefined || extra.durationMs === null ? null : Math.round(extra.durationMs),
      client_address: context?.request?.remoteAddress || null,
      outcome: extra.outcome ?? null,
      detail: extra.detail === undefined || extra.detail === null ? null : extra.detail.slice(0, MAX_DETAIL),
      image_name: image.name,
      store: image.store,
      format: image.format ?? null,
      architecture: image.architecture,
    };
  }

  /** One transaction for the batch; if it fails, each row alone, so one bad row costs only itself. */
  private async write(rows: EventRow[]): Promise<void> {
    try {
      await this.db.transaction(async (trx) => {
        for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) await trx(this.table).insert(rows.slice(i, i + ROWS_PER_INSERT));
      });
    } catch {
      for (const row of rows) await this.insertOne(row);
    }
    if (this.dropped > 0) {
      this.logger.error('tracking dropped events while the database did not keep up', { dropped: this.dropped, maxQueuedEvents: this.limits.maxQueued });
      this.dropped = 0;
    }
  }

  private async insertOne(row: EventRow): Promise<void> {
    try {
      await this.db(this.table).insert(row);
    } catch (error) {
      this.logger.error('tracking could not record an event', { action: row.action, image: row.image_id, err: error });
    }
  }
}
