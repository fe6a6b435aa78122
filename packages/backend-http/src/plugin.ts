import type { BackendContext, BackendPlugin } from '@visor/plugin-api';
import type { LookupFunction } from './fetch/guarded-lookup.js';
import { HttpBackend } from './http-backend.js';
import { resolveHttpOptions } from './options.js';

export interface HttpBackendPluginOptions {
  /**
   * The resolver under the SSRF guard instead of dns.lookup (same signature):
   * e.g. a resolver of your own, or a fixed table in tests. Every address it
   * returns is still judged.
   */
  lookup?: LookupFunction;
}

/** A plugin object for the `http` backend, for programs that build Visor with createVisor and need their own resolver. */
export function createHttpBackendPlugin(pluginOptions: HttpBackendPluginOptions = {}): BackendPlugin {
  return {
    kind: 'backend',
    type: 'http',
    apiVersion: '1.0',
    create(options: Record<string, unknown> | undefined, context: BackendContext): HttpBackend {
      const backend = new HttpBackend(context.name, resolveHttpOptions(options, context), pluginOptions.lookup);
      context.logger.debug('http store ready', { store: context.name });
      return backend;
    },
  };
}

/** The `http` backend: a read-only store of images registered by their http(s) URL. */
export const httpBackendPlugin: BackendPlugin = createHttpBackendPlugin();
