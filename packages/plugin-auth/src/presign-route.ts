import { InvalidFieldError, UnauthorizedError, type RequestContext, type RouteRegistry } from '@visor/plugin-api';
import { presign } from '@visor/client';
import type { AuthHost } from './host.js';
import { operationOf, requireUser } from './route-helpers.js';
import type { UserStore } from './user-store.js';

export const DEFAULT_TTL = 3600;
export const MAX_TTL = 7 * 24 * 3600;

function ttlOf(query: URLSearchParams): number {
  const raw = query.get('ttl');
  if (raw === null) return DEFAULT_TTL;
  const ttl = Number(raw);
  if (!/^\d+$/.test(raw) || ttl < 1 || ttl > MAX_TTL) {
    throw new InvalidFieldError('ttl', `'ttl' must be whole seconds from 1 to ${MAX_TTL}; got '${raw}'`);
  }
  return ttl;
}

/** Where clients reach Visor: the configured public URL, else the request's Host, else the bound address. */
function baseUrl(visor: AuthHost, request: RequestContext): string {
  if (visor.config.publicUrl !== null) return visor.config.publicUrl.replace(/\/+$/, '');
  const host = request.headers.host;
  return host && /^[A-Za-z0-9.:[\]-]+$/.test(host) ? `http://${host}` : (visor.url ?? '');
}

/** POST /images/:id/url?ttl=SECONDS: a presigned GET URL of the image, signed with the caller's key. */
export function addPresignRoute(routes: RouteRegistry, visor: AuthHost, users: UserStore): void {
  routes.add('POST', '/images/:id/url', async ({ context, params, query }) => {
    const who = requireUser(context);
    const ttl = ttlOf(query);
    const image = await visor.images.get(params.id!, operationOf(context), 'download');
    const credentials = await users.credentials(who.id);
    if (credentials === undefined) throw new UnauthorizedError(`user '${who.id}' no longer exists`);
    const expires = Math.floor(Date.now() / 1000) + ttl;
    const path = `/images/${image.id}`;
    const url = `${baseUrl(visor, context)}${path}?${presign(who.id, credentials.secret, 'GET', path, expires)}`;
    return {
      document: { root: 'presigned_url', body: { presigned_url: { url, method: 'GET', expires, expires_at: new Date(expires * 1000).toISOString() } } },
    };
  });
}
