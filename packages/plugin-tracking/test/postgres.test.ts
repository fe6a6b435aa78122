import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from '@visor/test-support';
import { as } from './helpers/principal.js';
import { createTestDatabase } from '@visor/test-support';
import { startTracked, waitFor, type TrackedVisor } from './helpers/tracked-visor.js';

describe('tracking on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let t: TrackedVisor;
  before(async () => {
    db = await createTestDatabase('visor_tracking_test');
    t = await startTracked({ database: db.url, principals: true });
  });
  after(async () => {
    await t?.close();
    await db?.drop();
  });

  it('records a life cycle that outlives the image, and pages it', async () => {
    const id = await t.register({ name: 'pg', architecture: 'x86_64', format: 'raw' }, as('alice'));
    assert.equal((await t.upload(id, Buffer.alloc(2048, 5), as('alice'))).status, 200);
    assert.equal((await request('GET', `${t.url}/images/${id}`, { headers: as('bob') })).status, 200);
    await t.historyOf(id, 4, as('alice'));
    assert.equal((await request('DELETE', `${t.url}/images/${id}`, { headers: as('alice') })).status, 200);
    const history = await t.historyOf(id, 5, as('alice'));
    assert.deepEqual(history.map((e) => e.action), ['registered', 'upload_started', 'uploaded', 'downloaded', 'deleted']);
    assert.equal(history[2].bytes, 2048);
    assert.equal(history[3].actor, 'bob');
    assert.equal((await request('GET', `${t.url}/images/${id}/history`, { headers: as('bob') })).status, 404);

    const first = (await request('GET', `${t.url}/images/${id}/history?limit=2`, { headers: as('alice') })).json();
    assert.equal(first.history.length, 2);
    const second = (await request('GET', `${t.url}/images/${id}/history?limit=2&marker=${first.next}`, { headers: as('alice') })).json();
    assert.deepEqual(second.history.map((e: any) => e.action), ['uploaded', 'downloaded']);
  });

  it('computes the stats', async () => {
    const stats = await waitFor(async () => {
      const s = (await request('GET', `${t.url}/stats`, { headers: as('root:admin') })).json().stats;
      return s.daily.at(-1).downloads === 1 ? s : undefined;
    }, 'the download in the stats');
    assert.equal(stats.images.total, 0);
    assert.deepEqual(stats.daily.at(-1).uploaded_bytes, 2048);
    assert.deepEqual(stats.top_downloads, [{ image_id: stats.top_downloads[0].image_id, name: 'pg', downloads: 1, bytes: 2048 }]);
    assert.deepEqual(
      stats.users.map((u: any) => [u.user, u.registered, u.uploads, u.downloads]),
      [['alice', 1, 1, 0], ['bob', 0, 0, 1]],
    );
  });
});
