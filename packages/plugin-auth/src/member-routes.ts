import { NotFoundError, type Image, type Logger, type OperationContext, type RouteRegistry } from '@visor/plugin-api';
import type { AuthHost } from './host.js';
import type { MemberStore } from './member-store.js';
import { operationOf } from './route-helpers.js';
import type { UserStore } from './user-store.js';
import { checkAccessKey } from './validate-user.js';

type ShareHook = AuthHost['hooks']['afterShare'];

/** Runs afterShare / afterUnshare like core runs after* hooks: a failing tap is logged, never answered. */
async function runShareHook(hook: ShareHook, name: string, logger: Logger, image: Image, member: string, context: OperationContext) {
  try {
    await hook.promise(image, { member }, context);
  } catch (error) {
    logger.error(`a plugin failed in hook ${name}`, { image: image.id, err: error });
  }
}

/**
 * Sharing: GET /images/:id/members, PUT and DELETE /images/:id/members/:access_key.
 * Only who may change the image (owner, admins) sees and changes its members.
 */
export function addMemberRoutes(routes: RouteRegistry, visor: AuthHost, users: UserStore, members: MemberStore): void {
  routes.add('GET', '/images/:id/members', async ({ context, params }) => {
    const image = await visor.images.get(params.id!, operationOf(context), 'update');
    return { document: { root: 'members', body: { members: await members.list(image.id) } } };
  });

  routes.add('PUT', '/images/:id/members/:access_key', async ({ context, params }) => {
    const operation = operationOf(context);
    const image = await visor.images.get(params.id!, operation, 'update');
    const member = checkAccessKey(params.access_key);
    if ((await users.find(member)) === undefined) throw new NotFoundError(`user '${member}' not found`);
    if (await members.add(image.id, member)) {
      await runShareHook(visor.hooks.afterShare, 'afterShare', visor.logger, image, member, operation);
    }
    return { status: 204 };
  });

  routes.add('DELETE', '/images/:id/members/:access_key', async ({ context, params }) => {
    const operation = operationOf(context);
    const image = await visor.images.get(params.id!, operation, 'update');
    const member = checkAccessKey(params.access_key);
    if (!(await members.remove(image.id, member))) {
      throw new NotFoundError(`user '${member}' is not a member of image '${image.id}'`);
    }
    await runShareHook(visor.hooks.afterUnshare, 'afterUnshare', visor.logger, image, member, operation);
    return { status: 204 };
  });
}
