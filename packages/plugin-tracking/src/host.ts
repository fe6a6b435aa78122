import type { Visor } from '@visor/core';

/**
 * What the plugin uses of the Visor instance. A type-only import: nothing of
 * the server is loaded at run time by this package.
 */
export type TrackingHost = Pick<Visor, 'hooks' | 'db' | 'logger' | 'images'>;

/** The knex instance Visor's tables live in. */
export type Db = Visor['db'];
