import type { BackendContext, BackendPlugin } from '@visor/plugin-api';
import { HttpBackend } from './http-backend.js';
import { resolveHttpOptions } from './options.js';

function create(options: Record<string, unknown> | undefined, context: BackendContext): HttpBackend {
  const backend = new HttpBackend(context.name, resolveHttpOptions(options, context));
  context.logger.debug('http store ready', { store: context.name });
  return backend;
}

/** The `http` backend: a read-only store of images registered by their http(s) URL. */
export const httpBackendPlugin: BackendPlugin = { kind: 'backend', type: 'http', apiVersion: '1.0', create };
