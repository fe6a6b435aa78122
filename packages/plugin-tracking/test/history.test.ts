import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getAuthHooks } from '@visor/plugin-auth';
import { request } from '@visor/test-support';
import { startTracked, type TrackedVisor } from './helpers/tracked-visor.js';

const DEBIAN = { name: 'Debian 12', architecture: 'x86_64', format: 'qcow2' };

describe('GET /images/:id/history', () => {
  let t: TrackedVisor;
  before(async () => {
    t = await startTracked();
  });
  after(() => t.close());

  it('records a full life cycle, in order, with bytes, and keeps it after the delete', async () => {
    const id = await t.register(DEBIAN);
    const data = Buffer.alloc(3000, 7);
    assert.equal((await t.upload(id, data)).status, 200);
    const download = await request('GET', `${t.url}/images/${id}`);
    assert.equal(download.status, 200);
    assert.equal(download.body.length, 3000);
    await t.historyOf(id, 4); // the download event is written after the response
    assert.equal((await request('PUT', `${t.url}/images/${id}`, { body: { image: { name: 'Debian 12.1' } } })).status, 200);
    await t.historyOf(id, 5);
    assert.equal((await request('DELETE', `${t.url}/images/${id}`)).status, 200);
    assert.equal((await request('GET', `${t.url}/images/${id}/meta`)).status, 404);

    const history = await t.historyOf(id, 6);
    assert.deepEqual(
      history.map((e) => e.action),
      ['registered', 'upload_started', 'uploaded', 'downloaded', 'updated', 'deleted'],
    );
    const byAction = Object.fromEntries(history.map((e) => [e.action, e]));
    assert.equal(byAction.uploaded.bytes, 3000);
    assert.equal(byAction.uploaded.outcome, 'completed');
    assert.equal(byAction.downloaded.bytes, 3000);
    assert.equal(byAction.downloaded.outcome, 'completed');
    assert.equal(typeof byAction.downloaded.duration_ms, 'number');
    assert.equal(byAction.updated.detail, 'name');
    assert.equal(byAction.registered.actor, null);
    assert.match(byAction.registered.client_address, /127\.0\.0\.1|::1/);
    const times = history.map((e) => Date.parse(e.at));
    assert.deepEqual([...times].sort((a, b) => a - b), times, 'events are oldest first');
  });

  it('records a failed upload with the bytes received and the error', async () => {
    const id = await t.register(DEBIAN);
    const res = await t.upload(id, Buffer.alloc(500, 1), { 'x-image-meta-checksum': '00000000000000000000000000000000' });
    assert.equal(res.status, 400);
    const history = await t.historyOf(id, 3);
    const failed = history.find((e) => e.action === 'upload_failed');
    assert.ok(failed, JSON.stringify(history));
    assert.equal(failed.outcome, 'failed');
    assert.equal(failed.bytes, 500);
    assert.match(failed.detail, /checksum/i);
    assert.equal(history.some((e) => e.action === 'uploaded'), false);
  });

  it('pages with limit and marker, oldest first, without gaps or repeats', async () => {
    const id = await t.register(DEBIAN);
    for (let i = 0; i < 6; i++) {
      assert.equal((await request('PUT', `${t.url}/images/${id}`, { body: { image: { name: `v${i}` } } })).status, 200);
    }
    const all = await t.historyOf(id, 7);
    const seen: any[] = [];
    let next: string | null = null;
    let pages = 0;
    do {
      const res = await request('GET', `${t.url}/images/${id}/history?limit=3${next ? `&marker=${next}` : ''}`);
      assert.equal(res.status, 200);
      const page = res.json();
      assert.ok(page.history.length <= 3);
      seen.push(...page.history);
      next = page.next;
      pages++;
    } while (next !== null && pages < 10);
    assert.equal(pages, 3);
    assert.deepEqual(seen.map((e) => e.id), all.map((e) => e.id));
  });

  it('orders the events of a register-and-upload POST', async () => {
    const res = await request('POST', `${t.url}/images`, {
      headers: { 'content-type': 'application/octet-stream', 'x-image-meta-name': 'one go', 'x-image-meta-architecture': 'x86_64' },
      body: Buffer.alloc(700, 4),
    });
    assert.equal(res.status, 201, res.text);
    const history = await t.historyOf(res.json().image.id, 3);
    assert.deepEqual(history.map((e) => e.action), ['registered', 'upload_started', 'uploaded']);
    assert.equal(history[2].bytes, 700);
  });

  it('records shares and unshares that an access-control plugin reports', async () => {
    const id = await t.register(DEBIAN);
    const image = await t.visor.images.get(id);
    await getAuthHooks(t.visor).afterShare.promise(image, { member: 'carol' }, { principal: { id: 'alice', role: 'user' } });
    await getAuthHooks(t.visor).afterUnshare.promise(image, { member: 'carol' }, { principal: { id: 'alice', role: 'user' } });
    const history = await t.historyOf(id, 3);
    assert.deepEqual(history.map((e) => [e.action, e.actor, e.detail]), [
      ['registered', null, null],
      ['shared', 'alice', 'carol'],
      ['unshared', 'alice', 'carol'],
    ]);
  });

  it('answers 400 for a bad limit or marker and 404 for an unknown image', async () => {
    const id = await t.register(DEBIAN);
    const bad = await request('GET', `${t.url}/images/${id}/history?limit=1001`);
    assert.equal(bad.status, 400);
    assert.equal(bad.json().code, 'InvalidField');
    assert.equal((await request('GET', `${t.url}/images/${id}/history?marker=999999`)).status, 400);
    const unknown = await request('GET', `${t.url}/images/6f1c2a9e-1b7d-4c1e-9a55-0c8e2f3b4a10/history`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json().code, 'NotFound');
  });
});
