import { expectObject, fail } from '@visor/plugin-api';
import { CONFIG_DEFAULTS } from './defaults.js';
import { parseHost, parsePort } from './server-settings.js';
import type { MetricsConfig } from './types.js';

/**
 * The `metrics` section: whether `GET /metrics` is served, and where. With
 * `port: null` (the default) it is a route of the REST API for admins; with a
 * port, it is served on its own listener at `host:port`, without
 * authentication, and not on the REST API's port (docs/metrics.md).
 */
export function resolveMetrics(value: unknown): MetricsConfig {
  const defaults = CONFIG_DEFAULTS.metrics;
  if (value === undefined) return { ...defaults };
  const raw = expectObject(value, 'metrics', ['enabled', 'host', 'port']);
  return {
    enabled: raw.enabled === undefined ? defaults.enabled : (typeof raw.enabled === 'boolean' ? raw.enabled : fail('metrics.enabled', 'must be true or false', raw.enabled)),
    host: raw.host === undefined ? defaults.host : parseHost(raw.host, 'metrics.host'),
    port: raw.port === undefined || raw.port === null ? defaults.port : parsePort(raw.port, 'metrics.port'),
  };
}
