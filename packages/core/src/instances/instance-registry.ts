import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Knex } from 'knex';

export interface InstanceRow {
  id: string;
  host: string;
  process_space: string;
  pid: number;
  started_at: string;
  seen_at_ms: number | string;
  dead_after_ms: number | string;
  idle_timeout_ms: number | string;
}

const HOST = hostname().slice(0, 255);
/**
 * Which processes `process.kill(pid, 0)` can see: this kernel boot and this
 * PID namespace. Containers share the boot id but not the namespace (and may
 * share a host name). Empty where the kernel does not say (not Linux): then
 * no other instance's process is judged from here.
 */
const PROCESS_SPACE = (() => {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const namespace = readlinkSync('/proc/self/ns/pid');
    return `${boot} ${namespace}`.slice(0, 128);
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
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/**
 * Whether `pid` has exited but not been reaped (state `Z` in /proc/<pid>/stat, Linux proc(5)):
 * signal 0 still reaches it, yet it runs nothing (a crashed instance whose parent, or a container's
 * init, does not reap). False where /proc cannot tell.
 */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
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
      process_space: PROCESS_SPACE,
      pid: process.pid,
      started_at: now,
      seen_at_ms: databaseNowMs(this.db),
      dead_after_ms: Math.round(deadAfterMs),
      idle_timeout_ms: Math.round(idleTimeoutMs),
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

  /** Rows of instances heard from within their dead-after time (`alive`), or not (`silent`). */
  private rows(state: 'alive' | 'silent'): Knex.QueryBuilder {
    return this.db('visor_instances').whereRaw(`seen_at_ms + dead_after_ms ${state === 'alive' ? '>=' : '<'} ?`, [databaseNowMs(this.db)]);
  }

  /** Ids of live instances. */
  live(): Knex.QueryBuilder {
    return this.rows('alive').select('id');
  }

  /** The longest idle timeout of the live instances: no live upload leaves its file untouched for longer. */
  async longestIdleTimeoutMs(): Promise<number> {
    const row = (await this.rows('alive').max({ longest: 'idle_timeout_ms' }).first()) as { longest: number | string | null } | undefined;
    return Number(row?.longest ?? 0);
  }

  /** Other live instances than `self`. */
  async othersAlive(self: string): Promise<InstanceRow[]> {
    return (await this.rows('alive').whereNot({ id: self })) as InstanceRow[];
  }

  /**
   * Drops the rows of dead instances and resolves to them: those silent for
   * too long (never `self`'s: beats that failed while the database did mean
   * this instance missed them, not that it died), and, without waiting,
   * those that share this process's host and
   * process space (same kernel boot, same PID namespace) and whose process is
   * gone, or whose pid is this process's own but which it never registered.
   */
  async forgetDead(self: string): Promise<InstanceRow[]> {
    const silent = (await this.rows('silent').whereNot({ id: self })) as InstanceRow[];
    const local =
      PROCESS_SPACE === ''
        ? []
        : ((await this.db('visor_instances').where({ host: HOST, process_space: PROCESS_SPACE }).whereNot({ id: self })) as InstanceRow[]).filter(
            (row) => (row.pid === process.pid ? !registeredHere.has(row.id) : !processRuns(row.pid)),
          );
    const gone: InstanceRow[] = [];
    // Each delete checks again what made the row dead: a beat landing in between keeps it.
    for (const row of silent) if ((await this.rows('silent').where({ id: row.id }).delete()) === 1) gone.push(row);
    for (const row of local) {
      if (gone.some((g) => g.id === row.id)) continue;
      if ((await this.db('visor_instances').where({ id: row.id, pid: row.pid }).delete()) === 1) gone.push(row);
    }
    return gone;
  }
}
