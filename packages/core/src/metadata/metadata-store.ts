import type { Knex } from 'knex';
import type { Image, ImageStatus, ListConstraint, PropertyValue } from '@visor/plugin-api';
import type { ImageRecords, ListQuery, RegisteredObject, StaleUpload, StoredFile } from './image-records.js';

export type { ListQuery, RegisteredObject, StaleUpload, StoredFile };
import { MIGRATIONS_TABLE, migrationSource } from './migrations.js';
import { imageToRow, propertyToRow, rowToImage, rowToPropertyValue, type ImageRow, type PropertyRow } from './rows.js';

/** PostgreSQL advisory lock held while migrating; any constant shared by every Visor (ASCII 'VISR'). */
const MIGRATION_LOCK_KEY = 0x56495352;

/** All SQL Visor runs for image metadata. Callers pass validated values only. */
export class MetadataStore implements ImageRecords {
  /**
   * `liveInstances`: a subquery of the ids of the instances alive now (the
   * instance registry's), which uploads in progress belong to.
   */
  constructor(
    readonly db: Knex,
    private readonly liveInstances: () => Knex.QueryBuilder,
  ) {}

  async migrate(): Promise<void> {
    const latest = () => this.db.migrate.latest({ migrationSource, tableName: MIGRATIONS_TABLE });
    if (this.db.client.dialect !== 'postgresql') {
      await latest();
      return;
    }
    // Instances starting together against one database race to create knex's migration tables
    // (knex's own lock lives in them). A session advisory lock, taken on a connection of its own
    // outside the pool (so a pool of one still has a connection to migrate with), lets one at a time in.
    const client = this.db.client;
    const connection = (await client.acquireRawConnection()) as { query(sql: string, values: unknown[]): Promise<unknown> };
    try {
      await connection.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      await latest();
    } finally {
      // Ending the session releases the lock.
      await client.destroyRawConnection(connection);
    }
  }

  async ping(): Promise<void> {
    await this.db.raw('select 1');
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  /** Adds an image; one registered with its upload names the instance running it (`uploadOwner`). */
  async insert(image: Image, uploadOwner: string | null = null): Promise<void> {
    await this.db.transaction(async (trx) => {
      const upload = uploadOwner === null ? { upload_restore: null } : { upload_restore: 'none', upload_owner: uploadOwner };
      await trx('images').insert({ ...imageToRow(image), ...upload });
      const rows = Object.entries(image.properties).map(([name, value]) => propertyToRow(image.id, name, value));
      if (rows.length > 0) await trx('image_properties').insert(rows);
    });
  }

  /** Inserts an image registered by location together with what was recorded of its object. */
  async insertRegistered(image: Image, object: RegisteredObject): Promise<void> {
    await this.db.transaction(async (trx) => {
      await trx('images').insert({ ...imageToRow(image), upload_restore: null });
      const rows = Object.entries(image.properties).map(([name, value]) => propertyToRow(image.id, name, value));
      if (rows.length > 0) await trx('image_properties').insert(rows);
      await trx('registered_objects').insert({ image_id: image.id, etag: object.etag, version: object.version, digests_verified: object.digestsVerified });
    });
  }

  /** What was recorded of an image's object at its registration by location; undefined for uploaded images. */
  async registeredObject(id: string): Promise<RegisteredObject | undefined> {
    const row = (await this.db('registered_objects').where({ image_id: id }).first()) as
      | { etag: string | null; version: string | null; digests_verified: boolean | number }
      | undefined;
    return row === undefined ? undefined : { etag: row.etag, version: row.version, digestsVerified: Boolean(row.digests_verified) };
  }

  /** The declared digests of a registered object matched its bytes. */
  async markDigestsVerified(id: string): Promise<void> {
    await this.db('registered_objects').where({ image_id: id }).update({ digests_verified: true });
  }

  /** One image with its properties, in one query (the hot path of every per-image request). */
  async find(id: string, db: Knex | Knex.Transaction = this.db): Promise<Image | undefined> {
    const rows: Array<ImageRow & { p_name: string | null; p_value: string; p_type: string }> = await db('images')
      .leftJoin('image_properties', 'image_properties.image_id', 'images.id')
      .select('images.*', 'image_properties.name as p_name', 'image_properties.value as p_value', 'image_properties.value_type as p_type')
      .where('images.id', id)
      .orderBy('image_properties.name');
    const first = rows[0];
    if (!first) return undefined;
    const properties: Record<string, PropertyValue> = {};
    for (const row of rows) {
      if (row.p_name !== null) properties[row.p_name] = rowToPropertyValue({ image_id: id, name: row.p_name, value: row.p_value, value_type: row.p_type });
    }
    const { p_name: _name, p_value: _value, p_type: _type, ...image } = first;
    return rowToImage(image, properties);
  }

  async exists(id: string): Promise<Pick<Image, 'id' | 'type'> | undefined> {
    return this.db<ImageRow>('images').select('id', 'type').where({ id }).first() as Promise<Pick<Image, 'id' | 'type'> | undefined>;
  }

  /** One page of images and where it ended (`last`: the sort value of its last row, and its id); undefined when the marker names no image. */
  async list(query: ListQuery): Promise<{ images: Image[]; more: boolean; last: { value: string | number | Date | null; id: string } | null } | undefined> {
    const q = this.db.select('images.*').from(this.visibleImages(query.constraints));
    for (const filter of query.filters) {
      if (filter.property) {
        q.whereExists((sub) =>
          sub
            .select(this.db.raw('1'))
            .from('image_properties')
            .whereRaw('image_properties.image_id = images.id')
            .andWhere('image_properties.name', filter.field)
            .andWhere('image_properties.value', String(filter.value)),
        );
      } else {
        q.where(`images.${filter.field}`, filter.value);
      }
    }
    if (query.after) this.applyPosition(q, query, query.after);
    else if (query.marker !== null && !(await this.applyMarker(q, query))) return undefined;
    const column = `images.${query.sort}`;
    // Nulls last in both directions, on SQLite and PostgreSQL alike; id breaks ties so pages never overlap.
    q.orderByRaw('(?? is null) asc', [column]).orderBy(column, query.dir).orderBy('images.id', query.dir);
    q.limit(query.limit + 1);
    const rows: ImageRow[] = await q;
    const more = rows.length > query.limit;
    const page = more ? rows.slice(0, query.limit) : rows;
    const properties = query.withProperties ? await this.propertiesOf(page.map((r) => r.id)) : new Map();
    const lastRow = page[page.length - 1] as unknown as Record<string, unknown> | undefined;
    const last = lastRow === undefined ? null : { value: (lastRow[query.sort] ?? null) as string | number | Date | null, id: String(lastRow.id) };
    return { images: page.map((row) => rowToImage(row, properties.get(row.id))), more, last };
  }

  /**
   * The `images` table as plugin constraints narrow it. They shape a derived
   * table of their own, so an `orWhere` in one cannot escape into the client's
   * filters or the paging marker applied around it.
   */
  private visibleImages(constraints: readonly ListConstraint[]): string | Knex.QueryBuilder {
    if (constraints.length === 0) return 'images';
    const visible = this.db<ImageRow>('images').select('images.*');
    for (const constrain of constraints) constrain(visible);
    return visible.as('images');
  }

  /** Restricts `q` to rows after the marker; false when the marker names no image. */
  private async applyMarker(q: Knex.QueryBuilder, query: ListQuery): Promise<boolean> {
    const marker = await this.db<ImageRow>('images').select(query.sort, 'id').where({ id: query.marker! }).first();
    if (!marker) return false;
    const value = (marker as unknown as Record<string, unknown>)[query.sort];
    this.applyPosition(q, query, { value: (value ?? null) as string | number | Date | null, id: marker.id });
    return true;
  }

  /** Restricts `q` to rows after a position in the listing's order (nulls last, id breaking ties). */
  private applyPosition(q: Knex.QueryBuilder, query: ListQuery, position: { value: string | number | Date | null; id: string }): void {
    const column = `images.${query.sort}`;
    const after = query.dir === 'asc' ? '>' : '<';
    if (position.value === null) {
      q.whereNull(column).andWhere('images.id', after, position.id);
      return;
    }
    const value = position.value as string;
    q.where((w) =>
      w
        .where(column, after, value)
        .orWhere((tie) => tie.where(column, value).andWhere('images.id', after, position.id))
        .orWhereNull(column),
    );
  }

  private async propertiesOf(ids: string[], db: Knex | Knex.Transaction = this.db): Promise<Map<string, Record<string, PropertyValue>>> {
    const result = new Map<string, Record<string, PropertyValue>>();
    if (ids.length === 0) return result;
    const rows: PropertyRow[] = [];
    // Stay below SQLite's bound-parameter limit on large pages.
    for (let i = 0; i < ids.length; i += 500) {
      rows.push(...(await db<PropertyRow>('image_properties').whereIn('image_id', ids.slice(i, i + 500)).orderBy('name')));
    }
    for (const row of rows) {
      let bag = result.get(row.image_id);
      if (!bag) result.set(row.image_id, (bag = {}));
      bag[row.name] = rowToPropertyValue(row);
    }
    return result;
  }

  /** Applies base-field changes and property changes (null removes) atomically; returns the new record. */
  async update(
    id: string,
    fields: Partial<Image>,
    properties: Record<string, PropertyValue | null>,
    updatedAt: string,
  ): Promise<Image | undefined> {
    return this.db.transaction(async (trx) => {
      const count = await trx('images').where({ id }).update({ ...fields, updated_at: updatedAt });
      if (count === 0) return undefined;
      const names = Object.keys(properties);
      if (names.length > 0) {
        await trx('image_properties').where({ image_id: id }).whereIn('name', names).delete();
        const rows = Object.entries(properties)
          .filter((entry): entry is [string, PropertyValue] => entry[1] !== null)
          .map(([name, value]) => propertyToRow(id, name, value));
        if (rows.length > 0) await trx('image_properties').insert(rows);
      }
      return this.find(id, trx);
    });
  }

  /**
   * Atomically moves an image from one of `from` to `uploading`, remembering its
   * status to return to and the instance (`owner`) running the upload. Resolves
   * false when another request got there first.
   */
  async claimUpload(id: string, from: readonly ImageStatus[], now: string, owner: string): Promise<boolean> {
    const count = await this.db('images')
      .where({ id })
      .whereIn('status', from)
      .update({ status: 'uploading', upload_restore: this.db.ref('status'), upload_owner: owner, updated_at: now });
    return count === 1;
  }

  /** Whether image `id` is still `uploading` by instance `owner`. */
  async ownsUpload(id: string, owner: string): Promise<boolean> {
    return (await this.db('images').select('id').where({ id, status: 'uploading', upload_owner: owner }).first()) !== undefined;
  }

  /** Resolves undefined when the upload is no longer `owner`'s (deleted, or rolled back meanwhile). */
  async completeUpload(id: string, owner: string, store: string, file: StoredFile, now: string): Promise<Image | undefined> {
    const count = await this.db('images').where({ id, status: 'uploading', upload_owner: owner }).update({
      status: 'available',
      upload_restore: null,
      upload_owner: null,
      store,
      location: file.location,
      size: file.size,
      checksum: file.checksum,
      sha256: file.sha256,
      uploaded_at: now,
      updated_at: now,
    });
    return count === 1 ? this.find(id) : undefined;
  }

  /**
   * Undoes a claim: back to the former status, or the record goes if the upload
   * created it. With `owner`, only while the upload is still that instance's.
   */
  async releaseUpload(id: string, now: string, owner?: string): Promise<'restored' | 'removed' | 'missing'> {
    return this.db.transaction(async (trx) => {
      const row = await trx<ImageRow>('images')
        .select('upload_restore')
        .where({ id, status: 'uploading', ...(owner === undefined ? {} : { upload_owner: owner }) })
        .first();
      if (!row) return 'missing';
      if (row.upload_restore === 'none' || row.upload_restore === null) {
        await trx('images').where({ id }).delete();
        return 'removed';
      }
      await trx('images').where({ id }).update({ status: row.upload_restore, upload_restore: null, upload_owner: null, updated_at: now });
      return 'restored';
    });
  }

  /** Uploads no live instance runs: their instance died (or predates upload owners). */
  async staleUploads(): Promise<StaleUpload[]> {
    const rows = await this.db<ImageRow>('images')
      .where({ status: 'uploading' })
      .where((q) => q.whereNull('upload_owner').orWhereNotIn('upload_owner', this.liveInstances()));
    return rows.map((row) => ({
      image: rowToImage(row),
      restore: (row.upload_restore === null ? 'none' : row.upload_restore) as ImageStatus | 'none',
      owner: row.upload_owner ?? null,
    }));
  }

  /**
   * Moves an upload from instance `from` to instance `to`, only if `from` still
   * has it: of several instances sweeping at once, exactly one takes over.
   */
  async takeOverUpload(id: string, from: string | null, to: string | null): Promise<boolean> {
    const query = this.db('images').where({ id, status: 'uploading' });
    if (from === null) query.whereNull('upload_owner');
    else query.where({ upload_owner: from });
    return (await query.update({ upload_owner: to })) === 1;
  }

  async remove(id: string): Promise<boolean> {
    return (await this.db('images').where({ id }).delete()) === 1;
  }

  /** Ids of images whose kernel or ramdisk is `id`. */
  async referencing(id: string): Promise<string[]> {
    const rows = await this.db<ImageRow>('images').select('id').where({ kernel: id }).orWhere({ ramdisk: id }).limit(10);
    return rows.map((r) => r.id);
  }

  /**
   * An available image whose file is gone or no longer matches goes to status
   * 'error' (a new upload may repair it). A file that is still there keeps its
   * location, so that deleting the image deletes it too.
   */
  async markLost(id: string, now: string, fileGone: boolean): Promise<void> {
    await this.db('images')
      .where({ id, status: 'available' })
      .update({ status: 'error', ...(fileGone ? { location: null } : {}), updated_at: now });
  }

  async recordAccess(id: string, now: string): Promise<void> {
    await this.db('images').where({ id }).update({ accessed_at: now, access_count: this.db.raw('access_count + 1') });
  }

  async countByStatus(): Promise<Record<string, number>> {
    const rows = (await this.db('images').select('status').count({ n: '*' }).groupBy('status')) as Array<{ status: string; n: number | string }>;
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }
}
