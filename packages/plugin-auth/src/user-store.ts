import { InternalError } from '@visor/plugin-api';
import type { Db } from './host.js';
import { USERS_TABLE, MEMBERS_TABLE } from './schema.js';
import { generateSecret, type SecretBox } from './secret-box.js';
import type { Role, User, UserWithSecret } from './user.js';

interface UserRow extends User {
  secret_encrypted: string;
}

const PUBLIC_COLUMNS = ['access_key', 'email', 'role', 'created_at', 'updated_at'] as const;
const now = () => new Date().toISOString();

/** The users table: secrets go in sealed and come out only through `secretOf`. */
export class UserStore {
  constructor(
    private readonly db: Db,
    private readonly box: SecretBox,
  ) {}

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

  /** The user and the secret in clear, for signature checks; undefined for an unknown key. */
  async credentials(accessKey: string): Promise<{ user: User; secret: string } | undefined> {
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
    const changed = await this.db(USERS_TABLE).where({ access_key: accessKey }).update({ ...patch, updated_at: now() });
    return changed === 0 ? undefined : this.find(accessKey);
  }

  /** Replaces the secret; the old one stops working at once. */
  async rotate(accessKey: string): Promise<UserWithSecret | undefined> {
    const secret = generateSecret();
    const changed = await this.db(USERS_TABLE)
      .where({ access_key: accessKey })
      .update({ secret_encrypted: this.box.seal(secret, accessKey), updated_at: now() });
    if (changed === 0) return undefined;
    const user = await this.find(accessKey);
    return user && { ...user, secret_key: secret };
  }

  /** Deletes the user and their memberships; false when there was no such user. */
  async remove(accessKey: string): Promise<boolean> {
    return this.db.transaction(async (trx) => {
      await trx(MEMBERS_TABLE).where({ access_key: accessKey }).delete();
      return (await trx(USERS_TABLE).where({ access_key: accessKey }).delete()) > 0;
    });
  }
}
