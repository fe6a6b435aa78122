import type { Backend, BackendCapabilities } from '@visor/plugin-api';
import { seeders } from './object-helpers.js';
import type { ResolvedSuiteOptions } from './options.js';
import type { SuiteCase } from './suite-case.js';

/** The capabilities `check` requires that `backend` declares otherwise, as `name: value` (what it declares). */
function unmetCapabilities(check: SuiteCase, backend: Backend): string[] {
  const declared: Partial<BackendCapabilities> = backend.capabilities ?? {};
  return Object.entries(check.requires ?? {})
    .filter(([name, wanted]) => (declared[name as keyof BackendCapabilities] ?? false) !== wanted)
    .map(([name, wanted]) => `${name}: ${String(!wanted)}`);
}

/**
 * Runs one check against a backend of its own, and tears the backend down
 * whatever happens. A check needing an optional method the backend lacks
 * calls `skip` with the reason instead of running.
 */
export async function runCase(check: SuiteCase, options: ResolvedSuiteOptions, skip?: (reason: string) => void): Promise<void> {
  const backend = await options.create();
  try {
    const unmet = unmetCapabilities(check, backend);
    if (unmet.length > 0) {
      if (!skip) throw new Error(`backend '${backend.name}' declares ${unmet.join(', ')}, and this check needs the opposite`);
      skip(`backend ${options.label} declares ${unmet.join(', ')}`);
      return;
    }
    if (check.needs && typeof backend[check.needs] !== 'function') {
      if (!skip) throw new Error(`backend '${backend.name}' has no ${check.needs}(), which this check needs`);
      skip(`backend ${options.label} offers no ${check.needs}()`);
      return;
    }
    if (options.seed) seeders.set(backend, options.seed);
    const { storedBytes } = options;
    await check.run({
      backend,
      listRaw: () => options.listRaw(backend),
      storedBytes: storedBytes === undefined ? undefined : () => storedBytes(backend),
      backpressureLimit: options.backpressureLimit,
      foreignLocation: options.foreignLocation,
      fetchRedirect: options.fetchRedirect,
    });
  } finally {
    try {
      await backend.close?.();
    } finally {
      await options.destroy?.(backend);
    }
  }
}
