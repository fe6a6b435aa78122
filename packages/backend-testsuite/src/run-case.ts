import type { ResolvedSuiteOptions } from './options.js';
import type { SuiteCase } from './suite-case.js';

/** Runs one check against a backend of its own, and tears the backend down whatever happens. */
export async function runCase(check: SuiteCase, options: ResolvedSuiteOptions): Promise<void> {
  const backend = await options.create();
  try {
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
