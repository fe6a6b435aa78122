import { AsyncSeriesHook, pluginHooks, type Image, type OperationContext } from '@visor/plugin-api';

/** What a share hook learns besides the image and the caller. */
export interface ShareChange {
  /** The access key of the user added or removed. */
  member: string;
}

/**
 * The hooks the access control plugin fires, reached with
 * `getAuthHooks(host)` (by this plugin and by any that taps them, such as
 * tracking). They run like the core's after-hooks: detached from the request,
 * a failing tap logged and never answered.
 */
export interface AuthHooks {
  /** A member was added to a private image's members (PUT /images/:id/members/:access_key). */
  readonly afterShare: AsyncSeriesHook<[Image, ShareChange, OperationContext]>;
  /** A member was removed (DELETE /images/:id/members/:access_key). */
  readonly afterUnshare: AsyncSeriesHook<[Image, ShareChange, OperationContext]>;
}

/** The access control plugin's hooks of the Visor `host` belongs to. */
export const getAuthHooks = pluginHooks<AuthHooks>('auth', () => ({
  afterShare: new AsyncSeriesHook<[Image, ShareChange, OperationContext]>(['image', 'share', 'context']),
  afterUnshare: new AsyncSeriesHook<[Image, ShareChange, OperationContext]>(['image', 'share', 'context']),
}));
