import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from '@visor/test-support';
import { as } from './helpers/principal.js';
import { startTracked, waitFor, type TrackedVisor } from './helpers/tracked-visor.js';

describe('GET /stats', () => {
  let t: TrackedVisor;
  let a: string;
  let c: string;
  const stats = async (user: string) => {
    const res = await request('GET', `${t.url}/stats`, { headers: as(user) });
    assert.equal(res.status, 200, res.text);
    return res.json().stats;
  };
  const download = async (id: string, user: string, size: number) => {
    const res = await request('GET', `${t.url}/images/${id}`, { headers: as(user) });
    assert.equal(res.status, 200);
    assert.equal(res.body.length, size);
  };

  before(async () => {
    t = await startTracked({ principals: true });
    a = await t.register({ name: 'A', architecture: 'x86_64', format: 'qcow2' }, as('alice'));
    assert.equal((await t.upload(a, Buffer.alloc(1000, 1), as('alice'))).status, 200);
    await t.register({ name: 'B', architecture: 'aarch64', format: 'raw' }, as('alice'));
    c = await t.register({ name: 'C', architecture: 'x86_64', format: 'qcow2', access: 'public' }, as('bob'));
    assert.equal((await t.upload(c, Buffer.alloc(400, 2), as('bob'))).status, 200);
    await download(a, 'alice', 1000);
    await download(a, 'alice', 1000);
    await download(a, 'bob', 1000);
    await download(c, 'bob', 400);
    // Download events are written after the responses: wait until all four are counted.
    await waitFor(async () => (await stats('root:admin')).daily.at(-1).downloads === 4, 'four downloads in the stats');
  });
  after(() => t.close());

  it('counts images by store, format, architecture, status and access', async () => {
    const { images, scope } = await stats('root:admin');
    assert.equal(scope, 'all');
    assert.deepEqual(images, {
      total: 3,
      by_store: { default: 3 },
      by_format: { qcow2: 2, raw: 1 },
      by_architecture: { x86_64: 2, aarch64: 1 },
      by_status: { available: 2, locked: 1 },
      by_access: { private: 2, public: 1 },
    });
  });

  it('sums the bytes stored per store', async () => {
    assert.deepEqual((await stats('root:admin')).stored, [{ store: 'default', images: 2, bytes: 1400 }]);
  });

  it('gives 30 days of uploads and downloads, today last, with bytes', async () => {
    const { daily } = await stats('root:admin');
    assert.equal(daily.length, 30);
    assert.equal(daily.at(-1).day, new Date().toISOString().slice(0, 10));
    assert.deepEqual(daily.at(-1), { day: daily.at(-1).day, uploads: 2, uploaded_bytes: 1400, downloads: 4, downloaded_bytes: 3400 });
    assert.ok(daily.slice(0, -1).every((d: any) => d.uploads === 0 && d.downloads === 0));
  });

  it('ranks the most downloaded images', async () => {
    assert.deepEqual((await stats('root:admin')).top_downloads, [
      { image_id: a, name: 'A', downloads: 3, bytes: 3000 },
      { image_id: c, name: 'C', downloads: 1, bytes: 400 },
    ]);
  });

  it('totals per user', async () => {
    assert.deepEqual((await stats('root:admin')).users, [
      { user: 'alice', images: 2, stored_bytes: 1000, registered: 2, uploads: 1, uploaded_bytes: 1000, downloads: 2, downloaded_bytes: 2000 },
      { user: 'bob', images: 1, stored_bytes: 400, registered: 1, uploads: 1, uploaded_bytes: 400, downloads: 2, downloaded_bytes: 1400 },
    ]);
  });

  it('shows a user only their own images and their own events', async () => {
    const own = await stats('alice');
    assert.equal(own.scope, 'own');
    assert.equal(own.images.total, 2);
    assert.deepEqual(own.images.by_status, { available: 1, locked: 1 });
    assert.deepEqual(own.stored, [{ store: 'default', images: 1, bytes: 1000 }]);
    assert.equal(own.daily.at(-1).uploads, 1);
    assert.equal(own.daily.at(-1).downloads, 2);
    assert.equal(own.daily.at(-1).downloaded_bytes, 2000);
    assert.deepEqual(own.top_downloads, [{ image_id: a, name: 'A', downloads: 2, bytes: 2000 }]);
    assert.deepEqual(own.users.map((u: any) => u.user), ['alice']);
  });
});
