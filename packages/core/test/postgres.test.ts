import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { get, request } from '@visor/test-support';
import { createTestDatabase, databaseExists, type TestDatabase } from '@visor/test-support';
import { startVisor, X86, type TestVisor } from './helpers/test-visor.js';
import { partFiles, raceUploads, startSlowUpload, tempEntries } from './helpers/uploads-in-flight.js';
import { waitFor } from './helpers/wait-for.js';

// No skipping: without a PostgreSQL server the `before` hook fails, and with it every test below.

const octet = { 'content-type': 'application/octet-stream' };
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

type Listed = { id: string; name: string; [field: string]: unknown };
const ids = (images: Listed[]) => images.map((i) => i.id);

/** The order the API promises: by `field` in `dir`, nulls last either way, ties by id in `dir`. */
function expectedOrder(images: Listed[], field: string, dir: 'asc' | 'desc'): string[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...images]
    .sort((a, b) => {
      const av = a[field] as string | number | null;
      const bv = b[field] as string | number | null;
      if ((av === null) !== (bv === null)) return av === null ? 1 : -1;
      if (av !== null && bv !== null && av !== bv) return (av < bv ? -1 : 1) * sign;
      return (a.id < b.id ? -1 : 1) * sign;
    })
    .map((i) => i.id);
}

describe('PostgreSQL: the REST API on a real server', () => {
  let db: TestDatabase;
  let t: TestVisor;
  const batch = `b${randomBytes(4).toString('hex')}`;
  const files = new Map<string, Buffer>();

  before(async () => {
    db = await createTestDatabase();
    t = await startVisor({ database: { client: 'pg', connection: db.url } });
  });
  after(async () => {
    await t?.close();
    if (db) {
      await db.drop();
      assert.equal(await databaseExists(db.name), false, `test database ${db.name} dropped`);
    }
  });

  const register = async (image: Record<string, unknown>) => {
    const res = await request('POST', `${t.url}/images`, { body: { image } });
    assert.equal(res.status, 201, res.text);
    return res.json().image as Listed;
  };
  const upload = async (id: string, data: Buffer) => {
    const res = await request('PUT', `${t.url}/images/${id}`, { headers: octet, body: data });
    assert.equal(res.status, 200, res.text);
    files.set(id, data);
    return res.json().image as Listed;
  };
  const listBatch = async (query = '') =>
    (await get(`${t.url}/images/detail?batch=${batch}&limit=1000${query}`)).json().images as Listed[];

  it('stores a name of 255 characters as users see them, each of 7 code points (the name column is text)', async () => {
    const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}';
    const image = await register({ name: family.repeat(255), architecture: 'x86_64', batch: `${batch}-names` });
    assert.equal((await get(`${t.url}/images/${image.id}/meta`)).json().image.name, family.repeat(255));
    const tooLong = await request('POST', `${t.url}/images`, { body: { image: { name: family.repeat(256), architecture: 'x86_64' } } });
    assert.equal(tooLong.status, 400);
    assert.match(tooLong.json().message, /too long: 256 characters/);
  });

  it('runs on PostgreSQL: /status names the pg client and a healthy database', async () => {
    const status = (await get(`${t.url}/status`)).json().status;
    assert.equal(status.database.client, 'pg');
    assert.equal(status.database.ok, true);
    const tables = await t.visor.db.raw("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
    const names = (tables.rows as Array<{ table_name: string }>).map((r) => r.table_name);
    for (const table of ['image_properties', 'images', 'visor_migrations']) assert.ok(names.includes(table), `table ${table} in ${names.join(', ')}`);
  });

  it('registers with typed custom properties, uploads and downloads; sizes and counts are numbers', async () => {
    const image = await register({ ...X86, format: 'qcow2', distro: 'debian', cores: 4, ratio: 1.5, secure: true, batch: 'single' });
    assert.equal(image.status, 'locked');
    assert.equal(image.size, null);
    assert.equal(image.access_count, 0);
    assert.equal(image.cores, 4);
    assert.equal(image.ratio, 1.5);
    assert.equal(image.secure, true);
    assert.equal(image.distro, 'debian');

    const data = randomBytes(3 * 1024 * 1024 + 5);
    const stored = await upload(image.id, data);
    assert.equal(stored.status, 'available');
    assert.equal(stored.size, data.length);
    assert.equal(typeof stored.size, 'number', 'a BIGINT column comes back as a JSON number');
    assert.equal(stored.checksum, md5(data));

    const meta = (await get(`${t.url}/images/${image.id}/meta`)).json().image;
    assert.deepEqual(meta, stored);
    const brief = (await get(`${t.url}/images?batch=single`)).json().images;
    assert.equal(brief.length, 1);
    assert.equal(brief[0].size, data.length);
    assert.equal(typeof brief[0].size, 'number');

    const file = await get(`${t.url}/images/${image.id}`);
    assert.equal(file.status, 200);
    assert.ok(file.body.equals(data));
    assert.equal(file.headers['content-length'], String(data.length));
    assert.equal(file.headers['x-image-meta-size'], String(data.length));

    const counted = await waitFor('the download to be counted', async () => {
      const now = (await get(`${t.url}/images/${image.id}/meta`)).json().image;
      return now.access_count === 1 ? now : undefined;
    });
    assert.equal(typeof counted.access_count, 'number');
    assert.ok(counted.accessed_at);
  });

  it('registers and uploads in one POST; a failed POST upload leaves no record', async () => {
    const data = randomBytes(70_000);
    const res = await request('POST', `${t.url}/images`, {
      headers: { ...octet, 'x-image-meta-name': 'pg-post', 'x-image-meta-architecture': 'aarch64', 'x-image-meta-batch': 'post' },
      body: data,
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json().image.size, data.length);
    assert.equal(res.json().image.batch, 'post');
    const bad = await request('POST', `${t.url}/images`, {
      headers: { ...octet, 'x-image-meta-name': 'pg-bad', 'x-image-meta-architecture': 'aarch64', 'x-image-meta-checksum': md5(Buffer.from('x')) },
      body: data,
    });
    assert.equal(bad.status, 400);
    assert.deepEqual((await get(`${t.url}/images?name=pg-bad`)).json().images, []);
  });

  describe('listing', () => {
    let all: Listed[];
    before(async () => {
      const specs = [
        { name: 'alpha', architecture: 'x86_64', distro: 'debian', release: 12, format: 'qcow2', file: 5000 },
        { name: 'bravo', architecture: 'aarch64', distro: 'debian', release: 11 },
        { name: 'charlie', architecture: 'x86_64', distro: 'fedora', format: 'raw', file: 3000 },
        { name: 'delta', architecture: 'x86_64', access: 'public' },
        { name: 'echo', architecture: 'riscv64', distro: 'debian', format: 'iso', file: 5000 },
        { name: 'foxtrot', architecture: 'x86_64', distro: 'debian', release: 12 },
        { name: 'golf', architecture: 'aarch64', format: 'raw' },
      ];
      for (const { file, ...spec } of specs) {
        const image = await register({ ...spec, batch });
        if (file !== undefined) await upload(image.id, randomBytes(file));
      }
      all = await listBatch();
      assert.equal(all.length, specs.length);
    });

    it('filters on base fields, custom properties (string and number) and the BIGINT size', async () => {
      const names = async (query: string) => (await listBatch(query)).map((i) => i.name).sort();
      assert.deepEqual(await names('&architecture=x86_64&distro=debian'), ['alpha', 'foxtrot']);
      assert.deepEqual(await names('&release=12'), ['alpha', 'foxtrot']);
      assert.deepEqual(await names('&release=11&architecture=aarch64'), ['bravo']);
      assert.deepEqual(await names('&access=public'), ['delta']);
      assert.deepEqual(await names('&size=5000'), ['alpha', 'echo']);
      assert.deepEqual(await names('&status=locked&format=raw'), ['golf']);
      assert.deepEqual(await names('&distro=arch'), []);
    });

    for (const field of ['name', 'architecture', 'format', 'size', 'created_at']) {
      for (const dir of ['asc', 'desc'] as const) {
        it(`sorts by ${field} ${dir}, nulls last`, async () => {
          const listed = await listBatch(`&sort=${field}&dir=${dir}`);
          assert.deepEqual(ids(listed), expectedOrder(all, field, dir));
          const values = listed.map((i) => i[field]);
          const firstNull = values.indexOf(null);
          if (firstNull !== -1) assert.ok(values.slice(firstNull).every((v) => v === null), `nulls last: ${JSON.stringify(values)}`);
        });
      }
    }

    for (const [field, dir, limit] of [
      ['architecture', 'asc', 1],
      ['architecture', 'desc', 2],
      ['format', 'asc', 2],
      ['format', 'desc', 1],
      ['size', 'desc', 2],
      ['size', 'asc', 3],
    ] as const) {
      it(`pages by ${field} ${dir} with limit ${limit} across ties and nulls, following next links`, async () => {
        const first = (await get(`${t.url}/images/detail?batch=${batch}&sort=${field}&dir=${dir}&limit=${limit}`)).json();
        const seen: string[] = ids(first.images);
        let next: string | undefined = first.next;
        let pages = 1;
        while (next) {
          assert.match(next, new RegExp(`batch=${batch}`));
          const page = (await get(next)).json();
          assert.ok(page.images.length <= limit);
          seen.push(...ids(page.images));
          next = page.next;
          assert.ok(++pages <= all.length, 'paging ends');
        }
        assert.deepEqual(seen, expectedOrder(all, field, dir), 'every image once, in order');
      });
    }
  });

  it('updates base fields and properties, removing a property with null', async () => {
    const image = await register({ ...X86, distro: 'debian', release: 12, note: 'keep', batch: 'update' });
    const res = await request('PUT', `${t.url}/images/${image.id}`, { body: { image: { name: 'renamed', distro: null, release: 13, secure: false } } });
    assert.equal(res.status, 200, res.text);
    const updated = res.json().image;
    assert.equal(updated.name, 'renamed');
    assert.equal('distro' in updated, false);
    assert.equal(updated.release, 13);
    assert.equal(updated.secure, false);
    assert.equal(updated.note, 'keep');
    assert.deepEqual((await get(`${t.url}/images/${image.id}/meta`)).json().image, updated);
    assert.deepEqual((await get(`${t.url}/images?batch=update&distro=debian`)).json().images, []);
    assert.equal((await get(`${t.url}/images?batch=update&release=13`)).json().images.length, 1);
  });

  it('refuses U+0000, which PostgreSQL text cannot hold, with 400 naming the field (not a 500)', async () => {
    const json = await request('POST', `${t.url}/images`, { body: { image: { ...X86, note: 'a\u0000b' } } });
    assert.equal(json.status, 400, json.text);
    assert.equal(json.json().field, 'note');
    const headers = await request('POST', `${t.url}/images`, {
      headers: { ...octet, 'x-image-meta-name': 'nul', 'x-image-meta-architecture': 'x86_64', 'x-image-meta-note': 'a%00b' },
      body: Buffer.from('bytes'),
    });
    assert.equal(headers.status, 400, headers.text);
    assert.equal(headers.json().field, 'note');
    const image = await register({ ...X86, batch: 'nul' });
    const update = await request('PUT', `${t.url}/images/${image.id}`, { body: { image: { note: '\u0000' } } });
    assert.equal(update.status, 400, update.text);
    for (const filter of ['note', 'name']) {
      const list = await get(`${t.url}/images?${filter}=a%00b`);
      assert.equal(list.status, 400, list.text);
      assert.equal(list.json().field, filter);
    }
    assert.equal((await get(`${t.url}/images?batch=nul`)).json().images.length, 1);
  });

  it('deletes the file, the record and its property rows', async () => {
    const image = await register({ ...X86, distro: 'debian', batch: 'delete' });
    const stored = await upload(image.id, randomBytes(10_000));
    const res = await request('DELETE', `${t.url}/images/${image.id}`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json().image.id, stored.id);
    assert.equal((await get(`${t.url}/images/${image.id}/meta`)).status, 404);
    assert.equal((await get(`${t.url}/images/${image.id}`)).status, 404);
    const rows = await t.visor.db('image_properties').where({ image_id: image.id });
    assert.deepEqual(rows, []);
  });

  it('lets exactly one of two racing uploads win, several times over', { timeout: 30_000 }, async () => {
    for (let round = 0; round < 5; round++) {
      const image = await register({ ...X86, batch: 'race' });
      const bodies = [randomBytes(128 * 1024), randomBytes(128 * 1024)];
      const responses = await raceUploads(`${t.url}/images/${image.id}`, bodies, 4);
      assert.deepEqual(responses.map((r) => r.status).sort(), [200, 409], `round ${round}: ${responses.map((r) => r.text).join(' | ')}`);
      const winner = responses.findIndex((r) => r.status === 200);
      assert.ok((await get(`${t.url}/images/${image.id}`)).body.equals(bodies[winner]!), `round ${round}: the winner's bytes`);
    }
  });

  it('puts an image whose upload was cut off back to locked', { timeout: 20_000 }, async () => {
    const image = await register({ ...X86, batch: 'abort' });
    const upload = startSlowUpload('PUT', `${t.url}/images/${image.id}`, { ...octet, 'content-length': 1_000_000 });
    await upload.write(randomBytes(100_000));
    await waitFor('a .part file', async () => (await partFiles(t.dataDir)).length > 0);
    upload.destroy();
    await waitFor("status 'locked'", async () => (await get(`${t.url}/images/${image.id}/meta`)).json().image.status === 'locked');
    await waitFor('an empty .tmp', async () => (await tempEntries(t.dataDir)).length === 0);
  });

  it('serves the same data to a second Visor given the database as a postgres:// URL string', async () => {
    const second = await startVisor({ database: db.url }, t.dataDir);
    try {
      assert.equal((await get(`${second.url}/status`)).json().status.database.client, 'pg');
      const first = await listBatch();
      const other = (await get(`${second.url}/images/detail?batch=${batch}&limit=1000`)).json().images as Listed[];
      assert.deepEqual(ids(other), ids(first));
      const [id, data] = [...files.entries()][0]!;
      assert.ok((await get(`${second.url}/images/${id}`)).body.equals(data));
    } finally {
      await second.close();
    }
  });
});

describe('PostgreSQL: several Visors sharing one database', () => {
  let db: TestDatabase;
  const started: TestVisor[] = [];
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    for (const visor of started) await visor.close();
    await db?.drop();
  });

  it('start at once on a fresh database: every one comes up, the schema is created once', { timeout: 30_000 }, async () => {
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => startVisor({ database: { client: 'pg', connection: db.url, pool: { max: 2 } } })));
    for (const result of results) if (result.status === 'fulfilled') started.push(result.value);
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [String((r.reason as Error)?.message ?? r.reason)] : []));
    assert.deepEqual(failures, [], 'no instance fails to start');
    const migrations = await started[0]!.visor.db('visor_migrations').select('name');
    assert.deepEqual(migrations.map((m: { name: string }) => m.name), ['0001_images', '0002_upload_leases', '0003_registered_objects', '0004_image_name_text']);
    const image = (await request('POST', `${started[0]!.url}/images`, { body: { image: X86 } })).json().image;
    for (const visor of started) assert.equal((await get(`${visor.url}/images/${image.id}/meta`)).status, 200);
  });

  it('starts with a pool of one connection', async () => {
    const single = await startVisor({ database: { client: 'pg', connection: db.url, pool: { min: 0, max: 1 } } });
    started.push(single);
    assert.equal((await get(`${single.url}/status`)).json().status.database.ok, true);
    const image = await request('POST', `${single.url}/images`, { body: { image: X86 } });
    assert.equal(image.status, 201);
  });
});
