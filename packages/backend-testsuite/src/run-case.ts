import type { ResolvedSuiteOptions } from './options.js';
import type { SuiteCase } from './suite-case.js';

/**
 * Runs one check against a backend of its own, and tears the backend down
 * whatever happens. A check needing an optional method the backend lacks
 * calls `skip` with the reason instead of running.
 */
export async function runCase(check: SuiteCase, options: ResolvedSuiteOptions, skip?: (reason: string) => void): Promise<void> {
  const backend = await options.create();
  try {
    if (check.needs && typeof backend[check.needs] !== 'function') {
      if (!skip) throw new Error(`backend '${backend.name}' has no ${check.needs}(), which this check needs`);
      skip(`backend ${options.label} offers no ${check.needs}()`);
      return;
    }
    const { storedBytes } = options;
    await check.run({
      backend,
      listRaw: () => options.listRaw(backend),
      storedBytes: storedBytes === undefined ? undefined : () => storedBytes(backend),
      backpressureLimit: options.backpressureLimit,
      foreignLocation: options.foreignLocation,
    });
  } finally {
    try {
      await backend.close?.();
    } finally {
      await options.destroy?.(backend);
    }
  }
}
