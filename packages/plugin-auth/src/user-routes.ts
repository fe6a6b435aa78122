import { ConflictError, NotFoundError, type RouteRegistry } from '@visor/plugin-api';
import { requireAdmin, requireUser } from './route-helpers.js';
import type { User, UserWithSecret } from './user.js';
import type { UserStore } from './user-store.js';
import { checkAccessKey, validateNewUser, validateUserPatch } from './validate-user.js';

const userDocument = (user: User | UserWithSecret) => ({ root: 'user', body: { user } });

/** Admin user management, and GET /users/me for everyone. */
export function addUserRoutes(routes: RouteRegistry, users: UserStore): void {
  const existing = async (accessKey: string): Promise<User> => {
    const user = await users.find(checkAccessKey(accessKey));
    if (user === undefined) throw new NotFoundError(`user '${accessKey}' not found`);
    return user;
  };
  /** Refuses to leave the server without an admin. */
  const keepAnAdmin = async (user: User, what: string) => {
    if (user.role === 'admin' && (await users.countAdmins()) <= 1) {
      throw new ConflictError(`'${user.access_key}' is the only admin; make another user admin before you ${what}`);
    }
  };

  routes.add('GET', '/users/me', async ({ context }) => {
    const me = await existing(requireUser(context).id);
    return { document: userDocument(me) };
  });

  routes.add('GET', '/users', async ({ context }) => {
    requireAdmin(context, 'list users');
    return { document: { root: 'users', body: { users: await users.list() } } };
  });

  routes.add('POST', '/users', async ({ context, body }) => {
    requireAdmin(context, 'create users');
    const input = validateNewUser(await body());
    if ((await users.find(input.access_key)) !== undefined) throw new ConflictError(`user '${input.access_key}' already exists`);
    const created = await users.create(input);
    return { status: 201, document: userDocument(created) };
  });

  routes.add('GET', '/users/:access_key', async ({ context, params }) => {
    requireAdmin(context, 'read other users');
    return { document: userDocument(await existing(params.access_key!)) };
  });

  routes.add('PUT', '/users/:access_key', async ({ context, params, body }) => {
    requireAdmin(context, 'change users');
    const user = await existing(params.access_key!);
    const patch = validateUserPatch(await body(), user.access_key);
    if (patch.role === 'user') await keepAnAdmin(user, 'make it a user');
    const updated = await users.update(user.access_key, patch);
    if (updated === undefined) throw new NotFoundError(`user '${user.access_key}' not found`);
    return { document: userDocument(updated) };
  });

  routes.add('DELETE', '/users/:access_key', async ({ context, params }) => {
    requireAdmin(context, 'delete users');
    const user = await existing(params.access_key!);
    await keepAnAdmin(user, 'delete it');
    if (!(await users.remove(user.access_key))) throw new NotFoundError(`user '${user.access_key}' not found`);
    return { status: 204 };
  });

  routes.add('POST', '/users/:access_key/rotate', async ({ context, params }) => {
    requireAdmin(context, 'rotate secret keys');
    const user = await existing(params.access_key!);
    const rotated = await users.rotate(user.access_key);
    if (rotated === undefined) throw new NotFoundError(`user '${user.access_key}' not found`);
    return { document: userDocument(rotated) };
  });
}
