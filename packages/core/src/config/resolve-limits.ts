import { CONFIG_DEFAULTS } from './defaults.js';
import type { LimitsConfig } from './types.js';
import { expectInteger, expectNumber, expectObject } from '@visor/plugin-api';

/** The `limits` section; byte counts are positive integers, `maxImageBytes: null` means unlimited. */
export function resolveLimits(value: unknown): LimitsConfig {
  const defaults = CONFIG_DEFAULTS.limits;
  if (value === undefined) return { ...defaults };
  const raw = expectObject(value, 'limits', ['metadataBodyBytes', 'maxImageBytes', 'idleTimeoutSeconds']);
  return {
    metadataBodyBytes:
      raw.metadataBodyBytes === undefined ? defaults.metadataBodyBytes : expectInteger(raw.metadataBodyBytes, 'limits.metadataBodyBytes', 1),
    maxImageBytes:
      raw.maxImageBytes === null
        ? null
        : raw.maxImageBytes === undefined
          ? defaults.maxImageBytes
          : expectInteger(raw.maxImageBytes, 'limits.maxImageBytes', 1),
    idleTimeoutSeconds:
      raw.idleTimeoutSeconds === undefined ? defaults.idleTimeoutSeconds : expectNumber(raw.idleTimeoutSeconds, 'limits.idleTimeoutSeconds', 0.1, 86_400),
  };
}
