import type { Logger } from '@visor/plugin-api';
import type { InstanceRegistry } from './instance-registry.js';

export interface HousekeepingOptions {
  /** This instance's id, which its uploads carry. */
  instanceId: string;
  registry: InstanceRegistry;
  /** Rolls back the uploads of dead instances and removes leftovers (see repairUploads). */
  repair(leftoverMinAgeMs?: number): Promise<unknown>;
  logger: Logger;
  heartbeatMs: number;
  /** This instance cuts uploads idle for this long (recorded, so that others spare its files meanwhile). */
  idleTimeoutMs: number;
}

/** Beats an instance may miss before the others take it for dead. */
export const BEATS_TO_DEATH = 3;
/** Beats between sweeps for uploads of dead instances and their leftovers. */
const BEATS_PER_SWEEP = 6;

const now = () => new Date().toISOString();

/**
 * This instance's life in the instance registry of its database: it
 * registers at start, beats every `heartbeatMs`, and every few beats rolls
 * back uploads whose instance died and removes their leftovers. With several
 * instances sharing one database (and storage), none rolls back another's
 * running upload, however many start or stop meanwhile.
 */
export class Housekeeping {
  private beatTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  // The beat and the sweep under way, if any: a slow database makes them skip, never pile up,
  // and a slow sweep (a big temporary directory, say) never holds a beat back.
  private beating: Promise<void> | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(private readonly options: HousekeepingOptions) {}

  get instanceId(): string {
    return this.options.instanceId;
  }

  /** Registers, then repairs what dead instances (this one's crashed predecessor, say) left. */
  async start(): Promise<void> {
    const { registry, repair, heartbeatMs } = this.options;
    await this.register();
    try {
      await registry.forgetDead(this.instanceId);
      const others = await registry.othersAlive(this.instanceId);
      // Alone, every leftover is dead; with others alive, only those too old to be a live upload's.
      await repair(others.length === 0 ? undefined : await this.leftoverMinAgeMs());
    } catch (error) {
      await registry.deregister(this.instanceId).catch(() => undefined);
      throw error;
    }
    this.beatTimer = setInterval(() => {
      this.beating ??= this.beat().finally(() => {
        this.beating = undefined;
      });
    }, heartbeatMs);
    this.sweepTimer = setInterval(() => {
      this.sweeping ??= this.sweep().finally(() => {
        this.sweeping = undefined;
      });
    }, heartbeatMs * BEATS_PER_SWEEP);
    this.beatTimer.unref();
    this.sweepTimer.unref();
  }

  /** Stops beating and leaves the registry; call once no upload of this instance runs. */
  async stop(): Promise<void> {
    clearInterval(this.beatTimer);
    clearInterval(this.sweepTimer);
    this.beatTimer = this.sweepTimer = undefined;
    await Promise.all([this.beating, this.sweeping]);
    await this.options.registry.deregister(this.instanceId).catch((error: unknown) => {
      this.options.logger.warn('could not deregister this instance; the others will take it for dead shortly', { err: error });
    });
  }

  private register(): Promise<void> {
    const { registry, heartbeatMs, idleTimeoutMs } = this.options;
    return registry.register(this.instanceId, heartbeatMs * BEATS_TO_DEATH, idleTimeoutMs, now());
  }

  /** Leftovers untouched for this long are no live upload's: live ones write at least every idle timeout. */
  private async leftoverMinAgeMs(): Promise<number> {
    return 2 * Math.max(this.options.idleTimeoutMs, await this.options.registry.longestIdleTimeoutMs());
  }

  private async beat(): Promise<void> {
    const { registry, logger } = this.options;
    try {
      if (await registry.beat(this.instanceId)) return;
      // Silent too long (a stalled event loop, the database away): others may have rolled back its uploads.
      logger.error('this instance was taken for dead by another; registering again', { instance: this.instanceId });
      await this.register();
    } catch (error) {
      logger.warn('heartbeat failed; trying again at the next one', { err: error });
    }
  }

  private async sweep(): Promise<void> {
    const { registry, repair, logger } = this.options;
    try {
      const dead = await registry.forgetDead(this.instanceId);
      for (const instance of dead) logger.warn('an instance stopped without closing', { instance: instance.id, host: instance.host, pid: instance.pid });
      await repair(await this.leftoverMinAgeMs());
    } catch (error) {
      logger.warn('the sweep for dead instances failed; trying again at the next one', { err: error });
    }
  }
}
