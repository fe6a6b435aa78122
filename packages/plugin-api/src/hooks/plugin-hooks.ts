import type { VisorHooks } from './hooks.js';

/** Per Visor (its hooks object), the hooks of each plugin that has some, by owner name. */
const registry = new WeakMap<VisorHooks, Map<string, object>>();

/**
 * Hooks that belong to a plugin live on that plugin, not on the core's hooks
 * (as webpack plugins expose `getCompilationHooks(compilation)`). The owner
 * defines a getter once:
 *
 * ```ts
 * export const getAuthHooks = pluginHooks('auth', () => ({ afterShare: new AsyncSeriesHook<[...]>([...]) }));
 * ```
 *
 * and every plugin, the owner included, reaches them with
 * `getAuthHooks(host)`: one object per Visor, made on first use whichever
 * plugin asks first, and the same whichever copy of the owner's package asks.
 */
export function pluginHooks<T extends object>(owner: string, create: () => T): (host: { readonly hooks: VisorHooks }) => T {
  return (host) => {
    let owned = registry.get(host.hooks);
    if (owned === undefined) registry.set(host.hooks, (owned = new Map()));
    let hooks = owned.get(owner) as T | undefined;
    if (hooks === undefined) owned.set(owner, (hooks = Object.freeze(create())));
    return hooks;
  };
}
