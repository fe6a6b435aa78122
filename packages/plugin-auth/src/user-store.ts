import { InternalError } from '@visor/plugin-api';
import type { Db } from './host.js';
import { USERS_TABLE, MEMBERS_TABLE } from './schema.js';
import { KeyCache } from './key-cache.js';
import { generateSecret, type SecretBox } from './secret-box.js';
import type { Role, User, UserWithSecret } from './user.js';

interface UserRow extends User {
  secret_encrypted: string;
}

const PUBLIC_COLUMNS = ['access_key', 'email', 'role', 'created_at', 'updated_at'] as const;
const now = () => new Date().toISOString();
/** Verified keys cached at most, whatever `keyCacheMs` says. */
export const KEY_CACHE_ENTRIES = 10_000;

type Credentials = { user: User; secret: string };

/** The users table: secrets go in sealed and come out only through `credentials`. */
export class UserStore {
  private readonly cache: KeyCache<Credentials>;

  /** `keyCacheMs`: how long a looked-up key is reused (0: read the database for every request). */
  constructor(
    private readonly db: Db,
    private readonly box: SecretBox,
    keyCacheMs = 0,
  ) {
    this.cache = new KeyCache(keyCacheMs, KEY_CACHE_ENTRIES);
  }

  async count(): Promise<number> {
    const row = (await this.db(USERS_TABLE).count({ n: '*' }).first()) as { n: number | string } | undefined;
    return Number(row?.n ?? 0);
  }

  async countAdmins(): Promise<number> {
    const row = (await this.db(USERS_TABLE).where({ role: 'admin' }).count({ n: '*' }).first()) as { n: number | string } | undefined;
    return Number(row?.n ?? 0);
  }

  async list(): Promise<User[]> {
    return this.db(USERS_TABLE).select(...PUBLIC_COLUMNS).orderBy('access_key');
  }

  async find(accessKey: string): Promise<User | undefined> {
    return this.db(USERS_TABLE).select(...PUBLIC_COLUMNS).where({ access_key: accessKey }).first();
  }

  /**
   * The user and the secret in clear, for signature checks; undefined for an
   * unknown key (never cached, so a new user works at once everywhere).
   */
  async credentials(accessKey: string): Promise<Credentials | undefined> {
    const cached = this.cache.get(accessKey);
    if (cached !== undefined) return cached;
    const generation = this.cache.generation;
    const found = await this.readCredentials(accessKey);
    if (found !== undefined) this.cache.set(accessKey, found, generation);
    return found;
  }

  private async readCredentials(accessKey: string): Promise<Credentials | undefined> {
    const row = (await this.db(USERS_TABLE).where({ access_key: accessKey }).first()) as UserRow | undefined;
    if (row === undefined) return undefined;
    const { secret_encrypted, ...user } = row;
    let secret: string;
    try {
      secret = this.box.open(secret_encrypted, row.access_key);
    } catch (cause) {
      throw new InternalError(`the secret key of user '${row.access_key}' cannot be decrypted: the data directory's server.key is not the key it was encrypted with`, { cause });
    }
    return { user, secret };
  }

  /** Inserts a user; the secret is generated unless given (bootstrap from the environment). */
  async create(input: { access_key: string; email: string; role: Role }, secret: string = generateSecret()): Promise<UserWithSecret> {
    const at = now();
    const user: User = { access_key: input.access_key, email: input.email, role: input.role, created_at: at, updated_at: at };
    await this.db(USERS_TABLE).insert({ ...user, secret_encrypted: this.box.seal(secret, user.access_key) });
    return { ...user, secret_key: secret };
  }

  async update(accessKey: string, patch: { email?: string; role?: Role }): Promise<User | undefined> {
    this.cache.invalidate(accessKey);
    const changed = await this.db(USERS_TABLE).where({ access_key: accessKey }).update({ ...patch, updated_at: now() });
    this.cache.invalidate(accessKey); // and what a lookup read meanwhile
    return changed === 0 ? undefined : this.find(accessKey);
  }

  /** Replaces the secret; the old one stops working at once. */
  async rotate(accessKey: string): Promise<UserWithSecret | undefined> {
    const secret = generateSecret();
    this.cache.invalidate(accessKey);
    const changed = await this.db(USERS_TABLE)
      .where({ access_key: accessKey })
      .update({ secret_encrypted: this.box.seal(secret, accessKey), updated_at: now() });
    this.cache.invalidate(accessKey); // and what a lookup read meanwhile
    if (changed === 0) return undefined;
    const user = await this.find(accessKey);
    return user && { ...user, secret_key: secret };
  }

  /** Deletes the user and their memberships; false when there was no such user. */
  async remove(accessKey: string): Promise<boolean> {
    this.cache.invalidate(accessKey);
    const removed = await this.db.transaction(async (trx) => {
      await trx(MEMBERS_TABLE).where({ access_key: accessKey }).delete();
      return (await trx(USERS_TABLE).where({ access_key: accessKey }).delete()) > 0;
    });
    this.cache.invalidate(accessKey); // and what a lookup read meanwhile
    return removed;
  }
}
