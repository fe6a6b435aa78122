import { formatBytes, formatDuration } from '../output/human.js';

/** A transfer's figures at one moment; what the progress bar and the UI's transfers panel show. */
export interface ProgressSnapshot {
  /** Bytes moved so far (including bytes resumed from a partial file). */
  done: number;
  /** Bytes in all; undefined when unknown. */
  total: number | undefined;
  /** Bytes per second, averaged over the transfer so far. */
  rate: number;
  /** Seconds left at that rate; undefined when unknown. */
  eta: number | undefined;
}

/** Computes rates and ETAs from byte counts; `startAt` is the count already there when it began (resume). */
export class RateMeter {
  private readonly started = performance.now();

  constructor(
    private readonly total: number | undefined,
    private readonly startAt = 0,
  ) {}

  snapshot(done: number): ProgressSnapshot {
    const seconds = (performance.now() - this.started) / 1000;
    const rate = seconds > 0 ? (done - this.startAt) / seconds : 0;
    const eta = this.total !== undefined && rate > 0 ? (this.total - done) / rate : undefined;
    return { done, total: this.total, rate, eta };
  }
}

/** One progress line: `label  [#####-----]  45%  450.0 MiB/1.0 GiB  120.5 MiB/s  ETA 0:05`, fitted to `width`. */
export function progressLine(label: string, snap: ProgressSnapshot, width: number): string {
  const percent = snap.total ? Math.min(100, Math.floor((snap.done / snap.total) * 100)) : undefined;
  const figures = `${percent === undefined ? '' : `${String(percent).padStart(3)}%  `}${formatBytes(snap.done)}${
    snap.total === undefined ? '' : `/${formatBytes(snap.total)}`
  }  ${formatBytes(Math.round(snap.rate))}/s  ETA ${formatDuration(snap.eta ?? NaN)}`;
  const room = width - figures.length - 4;
  const barWidth = Math.min(30, Math.max(0, room - Math.min(label.length, 24) - 2));
  const name = label.length > 24 ? `${label.slice(0, 23)}…` : label;
  const bar =
    barWidth >= 5 && percent !== undefined
      ? `[${'#'.repeat(Math.round((barWidth * percent) / 100)).padEnd(barWidth, '-')}]  `
      : '';
  return `${name}  ${bar}${figures}`.slice(0, Math.max(10, width - 1));
}

/**
 * A progress bar redrawn in place on standard error, at most 10 times a second; silent when
 * standard error is not a terminal or `quiet` is set.
 */
export class ProgressBar {
  private readonly meter: RateMeter;
  private last = 0;
  private drawn = false;
  private readonly enabled: boolean;

  constructor(
    private readonly label: string,
    total: number | undefined,
    options: { quiet?: boolean; startAt?: number; stream?: NodeJS.WriteStream } = {},
  ) {
    this.stream = options.stream ?? process.stderr;
    this.enabled = !options.quiet && this.stream.isTTY === true;
    this.meter = new RateMeter(total, options.startAt ?? 0);
  }

  private readonly stream: NodeJS.WriteStream;

  update(done: number, force = false): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    this.drawn = true;
    this.stream.write(`\r\x1b[2K${progressLine(this.label, this.meter.snapshot(done), this.stream.columns ?? 80)}`);
  }

  /** Draws the final figures and ends the line. */
  finish(done: number): void {
    if (!this.enabled) return;
    this.update(done, true);
    if (this.drawn) this.stream.write('\n');
  }

  /** Clears the line (on an error). */
  clear(): void {
    if (this.enabled && this.drawn) this.stream.write('\r\x1b[2K');
  }
}
