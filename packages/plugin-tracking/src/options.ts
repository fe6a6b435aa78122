import { ConfigError, rejectUnknownKeys } from '@visor/plugin-api';

/** The plugin's options (the `options` of its `plugins` entry). */
export interface TrackingOptions {
  /** Name of the events table; default `visor_events`. */
  table: string;
  /** Days covered by the per-day figures of GET /stats; default 30. */
  statsDays: number;
  /** How many images the "most downloaded" list of GET /stats holds; default 10. */
  topImages: number;
  /** Milliseconds an event waits in memory before its batch is written in one transaction; default 10. */
  flushMs: number;
  /** Events held in memory at most while the database is slow; past that new events are dropped (logged); default 10000. */
  maxQueuedEvents: number;
}

const KNOWN_OPTIONS = ['table', 'statsDays', 'topImages', 'flushMs', 'maxQueuedEvents'] as const;
const TABLE = /^[a-z_][a-z0-9_]{0,62}$/;

function positiveInteger(options: Record<string, unknown>, optionsKey: string, name: string, fallback: number, max: number): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new ConfigError(`${optionsKey}.${name}`, `tracking option '${name}' must be a whole number from 1 to ${max}; got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Validates the options; an unknown key (named with the nearest known one) or a wrong value stops Visor from starting with a
 * ConfigError naming it (`optionsKey`: where the options sit in the configuration).
 */
export function resolveOptions(options: Record<string, unknown> = {}, optionsKey = 'options'): TrackingOptions {
  rejectUnknownKeys(options, optionsKey, KNOWN_OPTIONS, 'plugin tracking');
  const table = options.table ?? 'visor_events';
  if (typeof table !== 'string' || !TABLE.test(table)) {
    throw new ConfigError(`${optionsKey}.table`, `tracking option 'table' must be a lower-case SQL name (letters, digits, _); got ${JSON.stringify(table)}`);
  }
  return {
    table,
    statsDays: positiveInteger(options, optionsKey, 'statsDays', 30, 366),
    topImages: positiveInteger(options, optionsKey, 'topImages', 10, 100),
    flushMs: positiveInteger(options, optionsKey, 'flushMs', 10, 60_000),
    maxQueuedEvents: positiveInteger(options, optionsKey, 'maxQueuedEvents', 10_000, 1_000_000),
  };
}
