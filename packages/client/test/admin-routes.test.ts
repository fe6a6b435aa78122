import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { VisorClient, VisorClientError, type Image, type UserWithSecret } from '../src/index.js';
import { pattern, readAll } from './helpers/bytes.js';
import { type RunningVisor, startVisor } from './helpers/visor-server.js';

async function rejectsWith(promise: Promise<unknown>, status: number, code: string, message?: RegExp): Promise<void> {
  const error = await promise.then(
    () => assert.fail(`expected ${status} ${code}`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof VisorClientError, `not a VisorClientError: ${String(error)}`);
  assert.equal(error.status, status);
  assert.equal(error.code, code);
  if (message !== undefined) assert.match(error.message, message);
}

describe('VisorClient: users, members, presigned URLs, history, stats and plugins against a real server', () => {
  let visor: RunningVisor;
  let admin: VisorClient;
  let alice: UserWithSecret;
  let asAlice: VisorClient;
  let image: Image;
  const file = pattern(64 * 1024);

  before(async () => {
    visor = await startVisor();
    admin = new VisorClient({ url: visor.url, ...visor.admin });
  });
  after(async () => {
    await visor?.stop();
  });

  it('users.me() names the caller and refuses a wrong secret', async () => {
    const me = await admin.users.me();
    assert.equal(me.access_key, visor.admin.accessKey);
    assert.equal(me.role, 'admin');
    const wrong = new VisorClient({ url: visor.url, accessKey: visor.admin.accessKey, secretKey: `${visor.admin.secretKey}x` });
    await rejectsWith(wrong.users.me(), 403, 'Forbidden', /signature does not match/);
    await rejectsWith(new VisorClient({ url: visor.url }).users.me(), 401, 'Unauthorized');
  });

  it('users.create() answers the secret once; the new keys work; a second create is a conflict', async () => {
    alice = await admin.users.create({ access_key: 'alice', email: 'alice@example.org' });
    assert.equal(alice.role, 'user');
    assert.match(alice.secret_key, /^[A-Za-z0-9+/=]{20,}$/);
    asAlice = new VisorClient({ url: visor.url, accessKey: 'alice', secretKey: alice.secret_key });
    assert.equal((await asAlice.users.me()).email, 'alice@example.org');
    await rejectsWith(admin.users.create({ access_key: 'alice', email: 'a@example.org' }), 409, 'Conflict');
    await rejectsWith(admin.users.create({ access_key: 'x', email: 'a@example.org' }), 400, 'InvalidField');
  });

  it('users.list(), get(), update() show users without secrets; non-admins get 403', async () => {
    const keys = (await admin.users.list()).map((u) => u.access_key);
    assert.deepEqual(keys, [visor.admin.accessKey, 'alice'].sort());
    const got = await admin.users.get('alice');
    assert.equal('secret_key' in got, false);
    const updated = await admin.users.update('alice', { email: 'alice@example.com' });
    assert.equal(updated.email, 'alice@example.com');
    await rejectsWith(asAlice.users.list(), 403, 'Forbidden', /only admins/);
    await rejectsWith(admin.users.get('nobody'), 404, 'NotFound');
  });

  it('users.rotate() gives a new secret and the old one stops working', async () => {
    const rotated = await admin.users.rotate('alice');
    assert.notEqual(rotated.secret_key, alice.secret_key);
    await rejectsWith(asAlice.users.me(), 403, 'Forbidden');
    asAlice = new VisorClient({ url: visor.url, accessKey: 'alice', secretKey: rotated.secret_key });
    assert.equal((await asAlice.users.me()).access_key, 'alice');
  });

  it('members: add, list and remove share a private image', async () => {
    image = await admin.registerWithFile({ name: 'Shared', architecture: 'x86_64', format: 'raw' }, file);
    await rejectsWith(asAlice.get(image.id), 404, 'NotFound');
    await admin.members.add(image.id, 'alice');
    assert.deepEqual((await admin.members.list(image.id)).map((m) => m.access_key), ['alice']);
    assert.equal((await asAlice.get(image.id)).id, image.id);
    await rejectsWith(asAlice.members.list(image.id), 403, 'Forbidden');
    await rejectsWith(admin.members.add(image.id, 'nobody'), 404, 'NotFound', /user 'nobody'/);
    await admin.members.remove(image.id, 'alice');
    assert.deepEqual(await admin.members.list(image.id), []);
    await rejectsWith(admin.members.remove(image.id, 'alice'), 404, 'NotFound');
  });

  it('requestPresignedUrl() gives a URL a plain fetch downloads, and checks ttl', async () => {
    const presigned = await admin.requestPresignedUrl(image.id, 600);
    assert.equal(presigned.method, 'GET');
    assert.ok(presigned.url.startsWith(`${visor.url}/images/${image.id}?access_key=`));
    const now = Math.floor(Date.now() / 1000);
    assert.ok(presigned.expires >= now + 590 && presigned.expires <= now + 610);
    const response = await fetch(presigned.url);
    assert.equal(response.status, 200);
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), file);
    await rejectsWith(admin.requestPresignedUrl(image.id, 0), 400, 'InvalidField', /ttl/);
    const defaultTtl = await admin.requestPresignedUrl(image.id);
    assert.ok(defaultTtl.expires >= now + 3590);
  });

  it('history() pages the events and historyAll() follows them to the end', async () => {
    await admin.update(image.id, { name: 'Shared again' });
    await readAll((await admin.download(image.id)).stream);
    const first = await admin.history(image.id, { limit: 2 });
    assert.equal(first.history.length, 2);
    assert.equal(first.history[0]?.action, 'registered');
    assert.notEqual(first.next, null);
    const all = await admin.historyAll(image.id, { limit: 2 });
    const actions = all.map((e) => e.action);
    for (const action of ['registered', 'uploaded', 'shared', 'unshared', 'updated', 'downloaded']) {
      assert.ok(actions.includes(action), `${action} in ${actions.join(',')}`);
    }
    assert.deepEqual(all.slice(0, 2), first.history);
    await rejectsWith(admin.history(image.id, { marker: '999999' }), 400, 'InvalidField', /marker/);
    await rejectsWith(asAlice.history(image.id), 404, 'NotFound');
  });

  it('stats() counts the images and transfers; a user sees their own scope', async () => {
    const stats = await admin.stats();
    assert.equal(stats.scope, 'all');
    assert.equal(stats.images.total, 1);
    assert.equal(stats.images.by_format.raw, 1);
    assert.deepEqual(stats.stored, [{ store: 'default', images: 1, bytes: file.length }]);
    const today = stats.daily.at(-1);
    assert.ok(today !== undefined && today.uploads === 1 && today.downloads >= 2);
    assert.equal(stats.top_downloads[0]?.image_id, image.id);
    assert.equal((await asAlice.stats()).scope, 'own');
  });

  it('plugins() lists stores with health, encoders and extensions for admins only', async () => {
    const report = await admin.plugins();
    assert.equal(report.stores[0]?.name, 'default');
    assert.equal(report.stores[0]?.ok, true);
    assert.deepEqual(report.encoders.map((e) => e.name), ['json', 'xml']);
    assert.ok(report.encoders[0]?.media_types.includes('application/json'));
    assert.deepEqual(report.extensions.map((e) => e.name), ['auth', 'tracking']);
    await rejectsWith(asAlice.plugins(), 403, 'Forbidden', /only admins/);
  });

  it('users.delete() removes a user; the last admin stays', async () => {
    await admin.users.delete('alice');
    await rejectsWith(asAlice.users.me(), 403, 'Forbidden', /unknown access key/);
    await rejectsWith(admin.users.delete(visor.admin.accessKey), 409, 'Conflict', /only admin/);
  });
});
