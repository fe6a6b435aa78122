import type { PluginHost } from '@visor/plugin-api';

/** What the plugin uses of Visor: its plugin host. */
export type AuthHost = PluginHost;
export type Db = PluginHost['db'];
