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

const MAX_DETAIL = 1000;

/**
 * Writes events. Each row is built synchronously (time and order are those of
 * the call), then inserted; a failed insert is logged, never thrown.
 */
export class Recorder {
  private seq = 0;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly table: string,
    private readonly logger: Logger,
  ) {}

  /** Builds the row now; the returned promise settles once it is stored (or the failure logged). */
  record(action: Action, image: Image, context: OperationContext, extra: EventExtra = {}): Promise<void> {
    let row: EventRow;
    try {
      row = this.row(action, image, context, extra);
    } catch (error) {
      this.logger.error('tracking could not record an event', { action, image: image?.id, err: error });
      return Promise.resolve();
    }
    const run = this.insert(row);
    this.pending.add(run);
    void run.finally(() => this.pending.delete(run));
    return run;
  }

  /** Resolves once every insert started has ended (before the database closes). */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending);
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

  private async insert(row: EventRow): Promise<void> {
    try {
      await this.db(this.table).insert(row);
    } catch (error) {
      this.logger.error('tracking could not record an event', { action: row.action, image: row.image_id, err: error });
    }
  }
}
