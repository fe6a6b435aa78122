import { InvalidFieldError, UnauthorizedError, type RequestContext, type RouteRegistry } from '@visor/plugin-api';
import { presign } from '@visor/client';
import type { AuthHost } from './host.js';
import { operationOf, requireUser } from './route-helpers.js';
import type { UserStore } from './user-store.js';

export const DEFAULT_TTL = 3600;
export const MAX_TTL = 7 * 24 * 3600;

/**
 * The URL's lifetime in seconds: `?ttl=` or a body `{"ttl": N}` (JSON, or `<ttl>` in XML), not
 * both unless they agree; DEFAULT_TTL without either. A body with other members is refused
 * naming them, never read past.
 */
async function ttlOf(query: URLSearchParams, headers: Record<string, string | string[] | undefined>, body: () => Promise<unknown>): Promise<number> {
  const fromQuery = query.get('ttl');
  const hasBody = Number(headers['content-length'] ?? 0) > 0 || headers['transfer-encoding'] !== undefined;
  let fromBody: string | null = null;
  if (hasBody) {
    const decoded = await body();
    const members = decoded !== null && typeof decoded === 'object' && !Array.isArray(decoded) ? Object.keys(decoded) : undefined;
    const other = members?.find((m) => m !== 'ttl');
    if (members === undefined || other !== undefined) {
      throw new InvalidFieldError(other ?? 'body', `the body takes only 'ttl' (whole seconds), e.g. {"ttl": 600}${other === undefined ? '' : `; got '${other}'`}`);
    }
    const value = (decoded as { ttl?: unknown }).ttl;
    if (value !== undefined) fromBody = String(value);
  }
  if (fromQuery !== null && fromBody !== null && fromQuery !== fromBody) {
    throw new InvalidFieldError('ttl', `'ttl' is ${fromQuery} in the query but ${fromBody} in the body; give it once`);
  }
  const raw = fromQuery ?? fromBody;
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

/** POST /images/:id/url?ttl=SECONDS (or a body {"ttl": SECONDS}): a presigned GET URL of the image, signed with the caller's key. */
export function addPresignRoute(routes: RouteRegistry, visor: AuthHost, users: UserStore): void {
  routes.add('POST', '/images/:id/url', async ({ context, params, query, body }) => {
    const who = requireUser(context);
    const ttl = await ttlOf(query, context.headers, body);
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
