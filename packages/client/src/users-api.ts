import type { Transport } from './transport.js';
import type { NewUser, User, UserPatch, UserWithSecret } from './user-types.js';

const userPath = (accessKey: string) => `users/${encodeURIComponent(accessKey)}`;

/**
 * User management (`auth` plugin; docs/rest-api.md "Users"). Every method but `me()` is for
 * admins: others get `VisorClientError` 403 `Forbidden`. Unknown users give 404 `NotFound`.
 */
export class UsersApi {
  constructor(private readonly transport: Transport) {}

  /** `GET /users/me`: the caller. Checks the keys: a wrong secret gives 403. */
  async me(): Promise<User> {
    return (await this.transport.json<{ user: User }>('GET', 'users/me')).user;
  }

  /** `GET /users`: every user, by access key. */
  async list(): Promise<User[]> {
    return (await this.transport.json<{ users: User[] }>('GET', 'users')).users;
  }

  /** `GET /users/:access_key`. */
  async get(accessKey: string): Promise<User> {
    return (await this.transport.json<{ user: User }>('GET', userPath(accessKey))).user;
  }

  /** `POST /users`: creates a user; the answer holds its `secret_key`, shown this once. 409 if it exists. */
  async create(user: NewUser): Promise<UserWithSecret> {
    return (await this.transport.json<{ user: UserWithSecret }>('POST', 'users', jsonBody({ user }))).user;
  }

  /** `PUT /users/:access_key`: changes `email` and/or `role`. 409 when it would demote the last admin. */
  async update(accessKey: string, patch: UserPatch): Promise<User> {
    return (await this.transport.json<{ user: User }>('PUT', userPath(accessKey), jsonBody({ user: patch }))).user;
  }

  /** `DELETE /users/:access_key`: the key stops working at once. 409 for the last admin. */
  async delete(accessKey: string): Promise<void> {
    await this.transport.send('DELETE', userPath(accessKey));
  }

  /** `POST /users/:access_key/rotate`: a new secret key, shown this once; the old one stops working. */
  async rotate(accessKey: string): Promise<UserWithSecret> {
    return (await this.transport.json<{ user: UserWithSecret }>('POST', `${userPath(accessKey)}/rotate`)).user;
  }
}

/** A JSON request body with its content type. */
export function jsonBody(document: unknown): { headers: Record<string, string>; body: string } {
  return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(document) };
}
