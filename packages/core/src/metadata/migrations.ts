import type { Knex } from 'knex';

interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/** Schema changes, in order. Never edit a released migration: append a new one. */
const MIGRATIONS: Migration[] = [
  {
    name: '0001_images',
    async up(knex) {
      await knex.schema.createTable('images', (t) => {
        t.string('id', 36).primary();
        t.string('name', 255).notNullable();
        t.string('architecture', 16).notNullable();
        t.string('access', 8).notNullable();
        t.string('type', 8).notNullable();
        t.string('format', 8).nullable();
        t.string('store', 64).notNullable();
        t.text('location').nullable();
        t.string('kernel', 36).nullable();
        t.string('ramdisk', 36).nullable();
        t.string('owner', 255).nullable();
        t.string('status', 16).notNullable();
        t.bigInteger('size').nullable();
        t.string('checksum', 32).nullable();
        t.string('sha256', 64).nullable();
        t.string('created_at', 32).notNullable();
        t.string('updated_at', 32).notNullable();
        t.string('uploaded_at', 32).nullable();
        t.string('accessed_at', 32).nullable();
        t.bigInteger('access_count').notNullable().defaultTo(0);
        // While status is 'uploading': the status to return to if the upload fails,
        // or 'none' when the record was created by the upload itself (POST) and goes away.
        t.string('upload_restore', 16).nullable();
        t.index(['created_at', 'id']);
        t.index(['name']);
        t.index(['status']);
        t.index(['owner']);
        t.index(['kernel']);
        t.index(['ramdisk']);
      });
      await knex.schema.createTable('image_properties', (t) => {
        t.string('image_id', 36).notNullable().references('id').inTable('images').onDelete('CASCADE');
        t.string('name', 64).notNullable();
        t.text('value').notNullable();
        t.string('value_type', 8).notNullable();
        t.primary(['image_id', 'name']);
        t.index(['name', 'value']);
      });
    },
    async down(knex) {
      await knex.schema.dropTable('image_properties');
      await knex.schema.dropTable('images');
    },
  },
  {
    name: '0002_upload_leases',
    async up(knex) {
      // While status is 'uploading': the instance running the upload, so that another
      // instance sharing the database rolls it back only once that instance is dead.
      await knex.schema.alterTable('images', (t) => {
        t.string('upload_owner', 36).nullable();
      });
      await knex.schema.createTable('visor_instances', (t) => {
        t.string('id', 36).primary();
        t.string('host', 255).notNullable();
        // The kernel's boot id and the PID namespace: only where both (and the host name) match
        // can another instance's `pid` be checked from here; '' when not known.
        t.string('process_space', 128).notNullable();
        t.integer('pid').notNullable();
        t.string('started_at', 32).notNullable();
        // Milliseconds since the epoch by the database's clock, so hosts' clocks never disagree.
        t.bigInteger('seen_at_ms').notNullable();
        // How long this instance may stay silent before others take it for dead.
        t.bigInteger('dead_after_ms').notNullable();
        // Its uploads idle for longer are cut: a leftover untouched for longer is no live upload's.
        t.bigInteger('idle_timeout_ms').notNullable();
      });
    },
    async down(knex) {
      await knex.schema.dropTable('visor_instances');
      await knex.schema.alterTable('images', (t) => {
        t.dropColumn('upload_owner');
      });
    },
  },
  {
    name: '0003_registered_objects',
    async up(knex) {
      // Images registered by location (an object Visor did not write): what the store said of the
      // object then, to recognise a changed object later, and whether the digests the client
      // declared were checked against the bytes yet.
      await knex.schema.createTable('registered_objects', (t) => {
        t.string('image_id', 36).primary().references('id').inTable('images').onDelete('CASCADE');
        t.string('etag', 255).nullable();
        t.string('version', 255).nullable();
        t.boolean('digests_verified').notNullable();
      });
    },
    async down(knex) {
      await knex.schema.dropTable('registered_objects');
    },
  },
  {
    name: '0004_image_name_text',
    async up(knex) {
      // A name's limit counts characters as users see them (grapheme clusters, see validate-image.ts):
      // 255 of them may hold far more than 255 code points, which PostgreSQL's varchar(255) would refuse.
      // SQLite does not enforce varchar lengths.
      if (knex.client.config.client === 'pg') await knex.raw('ALTER TABLE images ALTER COLUMN name TYPE text');
    },
    async down(knex) {
      if (knex.client.config.client === 'pg') await knex.raw('ALTER TABLE images ALTER COLUMN name TYPE varchar(255)');
    },
  },
];

/** An in-code migration source, so migrations ship inside the package and need no directory lookup. */
export const migrationSource: Knex.MigrationSource<Migration> = {
  getMigrations: async () => MIGRATIONS,
  getMigrationName: (migration) => migration.name,
  getMigration: async (migration) => migration,
};

export const MIGRATIONS_TABLE = 'visor_migrations';
