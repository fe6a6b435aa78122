import type { PluginHost } from '@visor/plugin-api';
import { applyAuth, PLUGIN_NAME } from './plugin.js';

export type { AuthOptions } from './options.js';
export type { User, UserWithSecret, Role } from './user.js';
export { SERVER_KEY_FILE } from './server-key.js';
export { ADMIN_CREDENTIALS_FILE } from './bootstrap-admin.js';
export { MAX_SKEW_MS, verifySignedRequest, verifyPresigned } from './verify-request.js';
export { USERS_TABLE, MEMBERS_TABLE } from './schema.js';
export { getAuthHooks, type AuthHooks, type ShareChange } from './auth-hooks.js';

/** `@visor/plugin-auth`: users and keys, signed requests, per-image permissions and sharing. */
const authPlugin = {
  kind: 'extension' as const,
  name: PLUGIN_NAME,
  apiVersion: '1.0',
  apply(host: PluginHost, options: Record<string, unknown>): void {
    applyAuth(host, options);
  },
};

export default authPlugin;
