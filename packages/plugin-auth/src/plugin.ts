import type { AuthHost } from './host.js';
import { authenticator } from './authenticate.js';
import { bootstrapAdmin } from './bootstrap-admin.js';
import { addMemberRoutes } from './member-routes.js';
import { MemberStore } from './member-store.js';
import { resolveOptions } from './options.js';
import { imageAuthorizer, listConstraint } from './permissions.js';
import { addPresignRoute } from './presign-route.js';
import { createTables } from './schema.js';
import { SecretBox } from './secret-box.js';
import { loadServerKey } from './server-key.js';
import { addUserRoutes } from './user-routes.js';
import { UserStore } from './user-store.js';

export const PLUGIN_NAME = 'auth';

/** Taps every hook the plugin needs; the stores exist once beforeStart has run. */
export function applyAuth(visor: AuthHost, rawOptions: Record<string, unknown>): void {
  const options = resolveOptions(rawOptions, visor.optionsKey);
  const members = new MemberStore(visor.db);
  let users: UserStore | undefined;
  let authenticate: ReturnType<typeof authenticator> | undefined;
  const started = (): UserStore => {
    if (users === undefined) throw new Error('auth plugin used before Visor started');
    return users;
  };

  visor.hooks.beforeStart.tapPromise(PLUGIN_NAME, async () => {
    await createTables(visor.db);
    users = new UserStore(visor.db, new SecretBox(await loadServerKey(visor.config.dataDir)), options.keyCacheMs);
    await bootstrapAdmin(users, options.env, visor.config.dataDir, visor.logger);
    const publicUrl = visor.config.publicUrl;
    authenticate = authenticator(users, options.anonymousRead, publicUrl === null ? '' : new URL(publicUrl).pathname);
  });

  visor.hooks.beforeRequest.tapPromise(PLUGIN_NAME, (request) => {
    if (authenticate === undefined) throw new Error('auth plugin used before Visor started');
    return authenticate(request);
  });
  visor.hooks.authorizeImage.tapPromise(PLUGIN_NAME, imageAuthorizer(members));
  visor.hooks.beforeList.tap(PLUGIN_NAME, listConstraint);
  visor.hooks.afterDelete.tapPromise(PLUGIN_NAME, (image) => members.removeImage(image.id));

  visor.hooks.registerRoutes.tap(PLUGIN_NAME, (routes) => {
    const store = started();
    addUserRoutes(routes, store);
    addMemberRoutes(routes, visor, store, members);
    addPresignRoute(routes, visor, store);
  });
}
