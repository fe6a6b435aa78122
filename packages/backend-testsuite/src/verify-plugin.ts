import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVisor, loadPlugin, silentLogger, type PluginKind } from '@visor/core';
import { capabilityProblems, type BackendCapabilities, type BackendHealth } from '@visor/plugin-api';

export interface VerifyPluginOptions {
  /** What the package is; default `backend`. */
  kind?: PluginKind;
  /** The store's options (backend) or the plugin's options (extension). */
  options?: Record<string, unknown>;
  /** For a backend: require `health()` to report ok (default true; false for a store the test cannot reach). */
  requireHealthy?: boolean;
}

export interface VerifiedPlugin {
  /** `name` from the package's package.json. */
  packageName: string;
  /** The entry file Visor imported. */
  path: string;
  /** What the plugin declares, `undefined` for plugins that declare none. */
  apiVersion: string | undefined;
  /** A backend's declared capabilities, as the core read them. */
  capabilities?: BackendCapabilities;
  /** A backend's health as a store of the started Visor reports it. */
  health?: BackendHealth;
}

/**
 * Checks that the core can load the plugin package at `packageDir` (an
 * absolute path, or a package name installed where this runs): the real
 * loader resolves and imports it and checks its shape and API version, then a
 * Visor is started with it (a store `default` of the backend, the encoder, or
 * the extension) in a temporary data directory, and closed again. Throws what
 * the core would throw (PluginError, ConfigError, ...) or an AssertionError.
 */
export async function verifyPlugin(packageDir: string, options: VerifyPluginOptions = {}): Promise<VerifiedPlugin> {
  const kind = options.kind ?? 'backend';
  const loaded = await loadPlugin(packageDir, kind, process.cwd());
  const verified: VerifiedPlugin = { packageName: loaded.packageName, path: loaded.path, apiVersion: loaded.plugin.apiVersion };
  const dataDir = await mkdtemp(join(tmpdir(), 'visor-verify-'));
  try {
    const visor = await createVisor(
      {
        dataDir,
        plugins: kind === 'extension' ? [{ name: packageDir, options: options.options ?? {} }] : [],
        ...(kind === 'backend' ? { stores: { default: { backend: packageDir, options: options.options ?? {} } } } : {}),
        ...(kind === 'encoder' ? { encoders: ['json', packageDir] } : {}),
      },
      { logger: silentLogger },
    );
    try {
      if (kind === 'backend') {
        const store = visor.backends.get('default');
        assert.ok(store, 'the started Visor has no store default');
        assert.deepEqual(capabilityProblems(store as unknown as Record<string, unknown>), []);
        verified.capabilities = store.capabilities;
        verified.health = await store.health();
        if (options.requireHealthy ?? true) assert.equal(verified.health.ok, true, `store not healthy: ${verified.health.message ?? ''}`);
      }
    } finally {
      await visor.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
  return verified;
}
