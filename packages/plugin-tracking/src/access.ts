import type { Principal } from '@visor/plugin-api';

/** Admins, and everyone when no access-control plugin set a principal, see everything. */
export function seesEverything(principal: Principal | null): boolean {
  return principal === null || principal.role === 'admin';
}

/** Whether a principal may read the history of an image owned by `owner`. */
export function mayReadHistory(principal: Principal | null, owner: string | null): boolean {
  return seesEverything(principal) || (principal !== null && owner !== null && owner === principal.id);
}
