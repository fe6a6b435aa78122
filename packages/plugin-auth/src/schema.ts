import type { Db } from './host.js';

export const USERS_TABLE = 'visor_users';
export const MEMBERS_TABLE = 'visor_image_members';

/** Creates the plugin's tables when missing (SQLite and PostgreSQL alike). */
export async function createTables(db: Db): Promise<void> {
  if (!(await db.schema.hasTable(USERS_TABLE))) {
    await db.schema.createTable(USERS_TABLE, (t) => {
      t.string('access_key', 64).primary();
      t.string('email', 254).notNullable();
      t.string('role', 8).notNullable();
      t.text('secret_encrypted').notNullable();
      t.string('created_at', 32).notNullable();
      t.string('updated_at', 32).notNullable();
    });
  }
  if (!(await db.schema.hasTable(MEMBERS_TABLE))) {
    await db.schema.createTable(MEMBERS_TABLE, (t) => {
      t.string('image_id', 36).notNullable();
      t.string('access_key', 64).notNullable();
      t.string('created_at', 32).notNullable();
      t.primary(['image_id', 'access_key']);
      t.index(['access_key']);
    });
  }
}
