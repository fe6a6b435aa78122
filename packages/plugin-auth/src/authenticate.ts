import { UnauthorizedError, type Principal, type RequestContext } from '@visor/plugin-api';
import type { User } from './user.js';
import type { UserStore } from './user-store.js';
import { isPresigned, verifyPresigned, verifySignedRequest } from './verify-request.js';

/** Routes anyone may call without signing: health, and the API's own description. */
const OPEN_ROUTES = new Set(['/status', '/openapi.json']);
/** Routes a presigned URL may open. */
const PRESIGNABLE_ROUTES = new Set(['/images/:id', '/images/:id/meta']);
/** Routes of public image reads, open to anonymous callers with `anonymousRead`. */
const ANONYMOUS_READ_ROUTES = new Set(['/images', '/images/detail', '/images/:id', '/images/:id/meta']);

const principalOf = (user: User): Principal => ({ id: user.access_key, role: user.role });

/**
 * The beforeRequest tap: every request is signed, presigned, or (optionally) an anonymous read.
 * `pathPrefix` is the path of the configured publicUrl (`/visor`, or `` for none), see signedPathCandidates.
 */
export function authenticator(users: UserStore, anonymousRead: boolean, pathPrefix = '') {
  const lookup = (accessKey: string) => users.credentials(accessKey);
  return async (request: RequestContext): Promise<void> => {
    const read = request.method === 'GET' || request.method === 'HEAD';
    if (read && OPEN_ROUTES.has(request.route)) return;
    const hasAuthorization = request.headers.authorization !== undefined;
    if (!hasAuthorization && read && PRESIGNABLE_ROUTES.has(request.route) && isPresigned(new URLSearchParams(request.query))) {
      request.principal = principalOf(await verifyPresigned(request, lookup, Date.now(), pathPrefix));
      return;
    }
    if (!hasAuthorization && read && anonymousRead) {
      if (ANONYMOUS_READ_ROUTES.has(request.route)) return; // principal stays null: public images only
      throw new UnauthorizedError(`missing Authorization header: ${request.method} ${request.route} needs a signed request`);
    }
    request.principal = principalOf(await verifySignedRequest(request, lookup, Date.now(), pathPrefix));
  };
}
