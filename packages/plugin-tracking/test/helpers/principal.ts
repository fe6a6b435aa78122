import type { Visor } from '@visor/core';

/**
 * An inline extension standing in for access control: `x-test-user: alice`
 * or `x-test-user: root:admin` sets the request's principal.
 */
export const testPrincipals = {
  kind: 'extension' as const,
  name: 'test-principals',
  apply(visor: Visor) {
    visor.hooks.beforeRequest.tap('test-principals', (request) => {
      const header = request.headers['x-test-user'];
      if (typeof header !== 'string' || header === '') return;
      const [id = '', role] = header.split(':');
      request.principal = { id, role: role === 'admin' ? 'admin' : 'user' };
    });
  },
};

/** Headers that make a request come from `user` (`id` or `id:admin`). */
export const as = (user: string): Record<string, string> => ({ 'x-test-user': user });
