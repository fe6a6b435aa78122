/** Documents of the `auth` plugin's routes (docs/rest-api.md, "Users" and "Sharing"). */

export type Role = 'admin' | 'user';

/** A user as `GET /users`, `GET /users/:access_key` and `GET /users/me` show it: never with the secret. */
export interface User {
  access_key: string;
  email: string;
  role: Role;
  /** ISO 8601 UTC timestamps. */
  created_at: string;
  updated_at: string;
}

/** A user with its secret key, answered once only: by `POST /users` and `POST /users/:access_key/rotate`. */
export interface UserWithSecret extends User {
  secret_key: string;
}

/** What `POST /users` accepts; `role` is `user` unless given. */
export interface NewUser {
  access_key: string;
  email: string;
  role?: Role;
}

/** What `PUT /users/:access_key` changes; the access key never changes. */
export interface UserPatch {
  email?: string;
  role?: Role;
}

/** One user an image is shared with (`GET /images/:id/members`). */
export interface Member {
  access_key: string;
  /** When the image was shared with them, ISO 8601 UTC. */
  created_at: string;
}

/** The answer of `POST /images/:id/url`. */
export interface PresignedUrl {
  /** Absolute URL anyone can `GET` until `expires`. */
  url: string;
  method: 'GET';
  /** Unix seconds. */
  expires: number;
  /** The same instant, ISO 8601 UTC. */
  expires_at: string;
}
