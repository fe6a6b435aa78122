import { NotFoundError, type RouteRegistry } from '@visor/plugin-api';
import { getAuthHooks } from './auth-hooks.js';
import type { AuthHost } from './host.js';
import type { MemberStore } from './member-store.js';
import { operationOf } from './route-helpers.js';
import type { UserStore } from './user-store.js';
import { checkAccessKey } from './validate-user.js';

/**
 * Sharing: GET /images/:id/members, PUT and DELETE /images/:id/members/:access_key.
 * Only who may change the image (owner, admins) sees and changes its members.
 */
export function addMemberRoutes(routes: RouteRegistry, visor: AuthHost, users: UserStore, members: MemberStore): void {
  const hooks = getAuthHooks(visor);
  routes.add('GET', '/images/:id/members', async ({ context, params }) => {
    const image = await visor.images.get(params.id!, operationOf(context), 'update');
    return { document: { root: 'members', body: { members: await members.list(image.id) } } };
  });

  routes.add('PUT', '/images/:id/members/:access_key', async ({ context, params }) => {
    const operation = operationOf(context);
    const image = await visor.images.get(params.id!, operation, 'update');
    const member = checkAccessKey(params.access_key);
    if ((await users.find(member)) === undefined) throw new NotFoundError(`user '${member}' not found`);
    if (await members.add(image.id, member)) visor.emitAfter('afterShare', hooks.afterShare, image, { member }, operation);
    return { status: 204 };
  });

  routes.add('DELETE', '/images/:id/members/:access_key', async ({ context, params }) => {
    const operation = operationOf(context);
    const image = await visor.images.get(params.id!, operation, 'update');
    const member = checkAccessKey(params.access_key);
    if (!(await members.remove(image.id, member))) {
      throw new NotFoundError(`user '${member}' is not a member of image '${image.id}'`);
    }
    visor.emitAfter('afterUnshare', hooks.afterUnshare, image, { member }, operation);
    return { status: 204 };
  });
}
