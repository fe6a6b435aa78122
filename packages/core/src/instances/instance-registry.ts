import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Knex } from 'knex';

export interface InstanceRow {
  id: string;
  host: string;
  boot_id: string;
  pid: number;
  started_at: string;
  seen_at_ms: number | string;
  dead_after_ms: number;
  idle_timeout_ms: number;
}

const HOST = hostname().slice(0, 255);
/** Empty where the kernel does not say (not Linux): then no process is judged from here. */
const BOOT_ID = (() => {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim().slice(0, 64);
  } catch {
    return '';
  }
})();

/** Instances registered by this process: several Visors may share one process (embedding, tests). */
const registeredHere = new Set<string>();

/** Whether a process of this machine (and PID namespace) runs. */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The database's clock in epoch milliseconds: every instance judges liveness by one clock. */
export function databaseNowMs(db: Knex): Knex.Raw {
  return db.client.dialect === 'postgresql'
    ? db.raw('(extract(epoch from clock_timestamp()) * 1000)::bigint')
    : db.raw("cast((julianday('now') - 2440587.5) * 86400000 as integer)");
}

/**
 * The Visor instances sharing a database. Each registers at start, beats
 * while it runs and deregisters when it closes; one silent for longer than
 * its `dead_after_ms` is dead, and its unfinished uploads may be rolled back.
 */
export class InstanceRegistry {
  constructor(private readonly db: Knex) {}

  async register(id: string, deadAfterMs: number, idleTimeoutMs: number, now: string): Promise<void> {
    registeredHere.add(id);
    await this.db('visor_instances').insert({
      id,
      host: HOST,
      boot_id: BOOT_ID,
      pid: process.pid,
      started_at: now,
      seen_at_ms: databaseNowMs(this.db),
      dead_after_ms: deadAfterMs,
      idle_timeout_ms: idleTimeoutMs,
    });
  }

  /** Resolves false when the row is gone (another instance took this one for dead). */
  async beat(id: string): Promise<boolean> {
    return (await this.db('visor_instances').where({ id }).update({ seen_at_ms: databaseNowMs(this.db) })) === 1;
  }

  async deregister(id: string): Promise<void> {
    registeredHere.delete(id);
    await this.db('visor_instances').where({ id }).delete();
  }

  /** Ids of live instances. */
  live(): Knex.QueryBuilder {
    return this.db('visor_instances').select('id').whereRaw('seen_at_ms + dead_after_ms >= ?', [databaseNowMs(this.db)]);
  }

  /** The longest idle timeout of the live instances: no live upload leaves its file untouched for longer. */
  async longestIdleTimeoutMs(): Promise<number> {
    const row = (await this.db('visor_instances')
      .max({ longest: 'idle_timeout_ms' })
      .whereRaw('seen_at_ms + dead_after_ms >= ?', [databaseNowMs(this.db)])
      .first()) as { longest: number | string | null } | undefined;
    return Number(row?.longest ?? 0);
  }

  /** Other live instances than `self`. */
  async othersAlive(self: string): Promise<InstanceRow[]> {
    return this.db<InstanceRow>('visor_instances').whereRaw('seen_at_ms + dead_after_ms >= ?', [databaseNowMs(this.db)]).whereNot({ id: self });
  }

  /**
   * Drops the rows of dead instances and resolves to them: those silent for
   * too long, and, without waiting, those of this machine whose process is
   * gone, or whose pid is this process's own but which this process never
   * registered (a crashed predecessor in a restarted container).
   */
  async forgetDead(self: string): Promise<InstanceRow[]> {
    return this.db.transaction(async (trx) => {
      const silent = await trx<InstanceRow>('visor_instances').whereRaw('seen_at_ms + dead_after_ms < ?', [databaseNowMs(trx)]);
      const local =
        BOOT_ID === ''
          ? []
          : (await trx<InstanceRow>('visor_instances').where({ host: HOST, boot_id: BOOT_ID }).whereNot({ id: self })).filter(
              (row) => (row.pid === process.pid ? !registeredHere.has(row.id) : !processRuns(row.pid)),
            );
      const dead = [...new Map([...silent, ...local].map((row) => [row.id, row])).values()];
      if (dead.length > 0) await trx('visor_instances').whereIn('id', dead.map((row) => row.id)).delete();
      return dead;
    });
  }
}
