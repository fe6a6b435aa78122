import type { Visor } from '@visor/core';

/** What the plugin uses of the Visor instance (type only: nothing of the server is loaded). */
export type AuthHost = Pick<Visor, 'hooks' | 'images' | 'db' | 'config' | 'logger' | 'url'>;
export type Db = Visor['db'];
