import type { ImageService } from '../images/image-service.js';
import type { Logger } from '../util/logger.js';
import type { InstanceRegistry } from './instance-registry.js';

export interface HousekeepingOptions {
  /** This instance's id, which its uploads carry. */
  instanceId: string;
  registry: InstanceRegistry;
  images: ImageService;
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
  private timer: NodeJS.Timeout | undefined;
  private beats = 0;
  /** The beat under way, if any: a slow database makes beats skip, never pile up. */
  private running: Promise<void> | undefined;

  constructor(private readonly options: HousekeepingOptions) {}

  get instanceId(): string {
    return this.options.instanceId;
  }

  /** Registers, then repairs what dead instances (this one's crashed predecessor, say) left. */
  async start(): Promise<void> {
    const { registry, images, heartbeatMs } = this.options;
    await registry.register(this.instanceId, heartbeatMs * BEATS_TO_DEATH, this.options.idleTimeoutMs, now());
    try {
      await registry.forgetDead(this.instanceId);
      const others = await registry.othersAlive(this.instanceId);
      // Alone, every leftover is dead; with others alive, only those too old to be a live upload's.
      await images.repair(others.length === 0 ? undefined : await this.leftoverCutoff());
    } catch (error) {
      await registry.deregister(this.instanceId).catch(() => undefined);
      throw error;
    }
    this.timer = setInterval(() => {
      this.running ??= this.tick().finally(() => {
        this.running = undefined;
      });
    }, heartbeatMs);
    this.timer.unref();
  }

  /** Stops beating and leaves the registry; call once no upload of this instance runs. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    await this.options.registry.deregister(this.instanceId).catch((error: unknown) => {
      this.options.logger.warn('could not deregister this instance; the others will take it for dead shortly', { err: error });
    });
  }

  /** Leftovers untouched since then are no live upload's: live ones write at least every idle timeout. */
  private async leftoverCutoff(): Promise<Date> {
    const longest = Math.max(this.options.idleTimeoutMs, await this.options.registry.longestIdleTimeoutMs());
    return new Date(Date.now() - 2 * longest);
  }

  private async tick(): Promise<void> {
    const { registry, images, logger, heartbeatMs } = this.options;
    try {
      if (!(await registry.beat(this.instanceId))) {
        // Silent too long (a stalled event loop, the database away): others may have rolled back its uploads.
        logger.error('this instance was taken for dead by another; registering again', { instance: this.instanceId });
        await registry.register(this.instanceId, heartbeatMs * BEATS_TO_DEATH, this.options.idleTimeoutMs, now());
      }
      this.beats += 1;
      if (this.beats % BEATS_PER_SWEEP !== 0) return;
      const dead = await registry.forgetDead(this.instanceId);
      for (const instance of dead) logger.warn('an instance stopped without closing', { instance: instance.id, host: instance.host, pid: instance.pid });
      await images.repair(await this.leftoverCutoff());
    } catch (error) {
      logger.warn('housekeeping failed; trying again at the next beat', { err: error });
    }
  }
}
