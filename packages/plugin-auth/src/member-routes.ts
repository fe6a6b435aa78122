import { ForbiddenError, NotFoundError, type Image, type OperationContext, type RouteRegistry } from '@visor/plugin-api';
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
const WHAT = {
  list: 'see who image is shared with',
  add: 'share image',
  remove: 'stop sharing image',
} as const;

/**
 * The image whose members are read or changed, as the 'update' permission
 * allows; a refusal says what the caller tried (a member reading the list
 * was told "you may not update image", which is not what they asked).
 */
async function imageForSharing(visor: AuthHost, id: string, operation: OperationContext, what: keyof typeof WHAT): Promise<Image> {
  try {
    return await visor.images.get(id, operation, 'update');
  } catch (error) {
    if (!(error instanceof ForbiddenError)) throw error;
    throw new ForbiddenError(`you may not ${WHAT[what].replace('image', `image '${id}'`)}: only its owner and admins may`, { cause: error });
  }
}

export function addMemberRoutes(routes: RouteRegistry, visor: AuthHost, users: UserStore, members: MemberStore): void {
  const hooks = getAuthHooks(visor);
  routes.add('GET', '/images/:id/members', async ({ context, params }) => {
    const image = await imageForSharing(visor, params.id!, operationOf(context), 'list');
    return { document: { root: 'members', body: { members: await members.list(image.id) } } };
  });

  routes.add('PUT', '/images/:id/members/:access_key', async ({ context, params }) => {
    const operation = operationOf(context);
    const image = await imageForSharing(visor, params.id!, operation, 'add');
    const member = checkAccessKey(params.access_key);
    if ((await users.find(member)) === undefined) throw new NotFoundError(`user '${member}' not found`);
    if (await members.add(image.id, member)) visor.emitAfter('afterShare', hooks.afterShare, image, { member }, operation);
    return { status: 204 };
  });

  routes.add('DELETE', '/images/:id/members/:access_key', async ({ context, params }) => {
    const operation = operationOf(context);
    const image = await imageForSharing(visor, params.id!, operation, 'remove');
    const member = checkAccessKey(params.access_key);
    if (!(await members.remove(image.id, member))) {
      throw new NotFoundError(`user '${member}' is not a member of image '${image.id}'`);
    }
    visor.emitAfter('afterUnshare', hooks.afterUnshare, image, { member }, operation);
    return { status: 204 };
  });
}
