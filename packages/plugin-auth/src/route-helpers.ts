import { ForbiddenError, UnauthorizedError, type OperationContext, type Principal, type RequestContext } from '@visor/plugin-api';

/** The operation context image calls need, so authorizeImage applies to plugin routes too. */
export const operationOf = (request: RequestContext): OperationContext => ({ principal: request.principal, request });

export function requireUser(request: RequestContext): Principal {
  if (request.principal === null) throw new UnauthorizedError('this request needs a signed Authorization header');
  return request.principal;
}

export function requireAdmin(request: RequestContext, what: string): Principal {
  const who = requireUser(request);
  if (who.role !== 'admin') throw new ForbiddenError(`only admins may ${what}`);
  return who;
}
