import type { PluginHost } from '@visor/plugin-api';

/** What the plugin uses of Visor: its plugin host. */
export type TrackingHost = PluginHost;

/** The knex instance Visor's tables live in. */
export type Db = PluginHost['db'];
