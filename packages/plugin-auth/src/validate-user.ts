import { InvalidFieldError, ReadOnlyFieldError } from '@visor/plugin-api';
import { ROLES, type Role } from './user.js';

export const ACCESS_KEY = /^[A-Za-z0-9._-]{3,64}$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const SERVER_FIELDS = ['secret_key', 'secret_encrypted', 'created_at', 'updated_at'];

export function checkAccessKey(value: unknown, field = 'access_key'): string {
  if (typeof value !== 'string' || !ACCESS_KEY.test(value)) {
    throw new InvalidFieldError(field, `'${field}' must be 3 to 64 letters, digits, '.', '_' or '-'; got ${JSON.stringify(value ?? null)}`);
  }
  return value;
}

function checkEmail(value: unknown): string {
  if (typeof value !== 'string' || value.length > 254 || !EMAIL.test(value)) {
    throw new InvalidFieldError('email', `'email' must be an e-mail address such as alice@example.org; got ${JSON.stringify(value ?? null)}`);
  }
  return value;
}

function checkRole(value: unknown): Role {
  if (!ROLES.includes(value as Role)) {
    throw new InvalidFieldError('role', `'role' must be 'admin' or 'user'; got ${JSON.stringify(value ?? null)}`);
  }
  return value as Role;
}

/** `{ user: {...} }` → the user object; 400 for anything else or for server-managed fields. */
function unwrapUser(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  const user = typeof body === 'object' && body !== null ? (body as { user?: unknown }).user : undefined;
  if (typeof user !== 'object' || user === null || Array.isArray(user)) {
    throw new InvalidFieldError('user', 'the body must be {"user": {...}} (XML: <user>...</user>)');
  }
  const fields = user as Record<string, unknown>;
  const managed = Object.keys(fields).filter((k) => SERVER_FIELDS.includes(k));
  if (managed.length > 0) throw new ReadOnlyFieldError(managed);
  const unknown = Object.keys(fields).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    throw new InvalidFieldError(unknown[0]!, `unknown user field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}; a user has ${allowed.join(', ')}`);
  }
  return fields;
}

/** The body of POST /users: access_key and email required, role defaults to 'user'. */
export function validateNewUser(body: unknown): { access_key: string; email: string; role: Role } {
  const user = unwrapUser(body, ['access_key', 'email', 'role']);
  return { access_key: checkAccessKey(user.access_key), email: checkEmail(user.email), role: user.role === undefined ? 'user' : checkRole(user.role) };
}

/** The body of PUT /users/:access_key: email and/or role. */
export function validateUserPatch(body: unknown, accessKey: string): { email?: string; role?: Role } {
  const user = unwrapUser(body, ['access_key', 'email', 'role']);
  if (user.access_key !== undefined && user.access_key !== accessKey) {
    throw new InvalidFieldError('access_key', "'access_key' cannot change; create a new user instead");
  }
  const patch: { email?: string; role?: Role } = {};
  if (user.email !== undefined) patch.email = checkEmail(user.email);
  if (user.role !== undefined) patch.role = checkRole(user.role);
  return patch;
}
