import { ForbiddenError, type Backend } from '@visor/plugin-api';
import type { PluginConfig } from '../../config/types.js';
import type { EncoderRegistry } from '../../encoding/encoder-registry.js';
import { backendHealth } from './status-route.js';
import type { Route } from './route.js';

/**
 * `GET /plugins`: the configured stores (with their backend's health), encoders (with their media
 * types) and extension plugins, for administrators (`visor plugins`). A signed caller who is not
 * an admin gets 403; without an access-control plugin there is no principal and everyone may read it.
 */
export function pluginsRoute(options: {
  backends: ReadonlyMap<string, Backend>;
  defaultStore: string;
  encoders: EncoderRegistry;
  plugins: readonly PluginConfig[];
}): Route {
  return {
    method: 'GET',
    path: '/plugins',
    async handle(ex) {
      const principal = ex.context.principal;
      if (principal !== null && principal.role !== 'admin') throw new ForbiddenError('only admins may list the server plugins');
      const stores = await Promise.all([...options.backends.values()].map((b) => backendHealth(b, b.name === options.defaultStore)));
      ex.sendDocument(200, {
        root: 'plugins',
        body: {
          plugins: {
            stores,
            encoders: options.encoders.encoders.map((e) => ({ name: e.name, media_types: [...e.mediaTypes] })),
            // An extension plugin that failed to set up stops the server, so every one listed is running.
            extensions: options.plugins.map((p) => ({ name: p.name, ok: true })),
          },
        },
      });
    },
  };
}
