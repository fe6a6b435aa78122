export type Role = 'admin' | 'user';
export const ROLES: readonly Role[] = ['admin', 'user'];

/** A user as endpoints show it: never with the secret. */
export interface User {
  access_key: string;
  email: string;
  role: Role;
  created_at: string;
  updated_at: string;
}

/** A user with the secret key in clear: only ever returned when created or rotated. */
export interface UserWithSecret extends User {
  secret_key: string;
}
