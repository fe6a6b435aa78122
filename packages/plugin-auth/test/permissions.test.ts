import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MEMBERS_TABLE } from '../src/index.js';
import { imageOf, startAuthVisor, type AuthVisor } from './helpers/auth-visor.js';
import type { AsClient } from './helpers/signed.js';

type Action = 'head' | 'meta' | 'download' | 'update' | 'upload' | 'members' | 'share' | 'unshare' | 'presign';

/** Performs one action; changes that pass are undone so the matrix can run in any order. */
async function attempt(client: AsClient, action: Action, id: string): Promise<number> {
  const path = `/images/${id}`;
  switch (action) {
    case 'head':
      return (await client.head(path)).status;
    case 'meta':
      return (await client.get(`${path}/meta`)).status;
    case 'download':
      return (await client.get(path)).status;
    case 'update':
      return (await client.put(path, { image: { properties_touched: 'yes' } })).status;
    case 'upload':
      // The images have files already: 409 means the permission check passed.
      return (await client.upload(path, Buffer.from('new bytes'))).status;
    case 'members':
      return (await client.get(`${path}/members`)).status;
    case 'share': {
      const status = (await client.put(`${path}/members/dave`)).status;
      if (status === 204) await client.delete(`${path}/members/dave`);
      return status;
    }
    case 'unshare':
      return (await client.delete(`${path}/members/nobody-such`)).status;
    case 'presign':
      return (await client.post(`${path}/url`)).status;
  }
}

const READS: Action[] = ['head', 'meta', 'download', 'presign'];
const CHANGES: Action[] = ['update', 'upload', 'members', 'share', 'unshare'];
/** What an allowed caller gets: 204 for sharing, 409 for an upload over a file, 404 for removing a non-member. */
const ALLOWED: Record<Action, number> = {
  head: 200, meta: 200, download: 200, presign: 200, update: 200, upload: 409, members: 200, share: 204, unshare: 404,
};

describe('permissions', () => {
  let server: AuthVisor;
  let alice: AsClient;
  let bob: AsClient;
  let carol: AsClient;
  let privateId: string;
  let publicId: string;
  let bobsId: string;

  before(async () => {
    server = await startAuthVisor();
    alice = await server.user('alice');
    bob = await server.user('bob');
    carol = await server.user('carol');
    await server.user('dave');
    privateId = await imageOf(alice, 'private', 'alice-private');
    publicId = await imageOf(alice, 'public', 'alice-public');
    bobsId = await imageOf(bob, 'private', 'bob-private');
    assert.equal((await alice.put(`/images/${privateId}/members/carol`)).status, 204);
    assert.equal((await alice.put(`/images/${publicId}/members/carol`)).status, 204);
  });
  after(() => server.close());

  const check = async (who: () => AsClient, name: string, image: () => string, expected: (action: Action) => number) => {
    for (const action of [...READS, ...CHANGES]) {
      assert.equal(await attempt(who(), action, image()), expected(action), `${name}: ${action}`);
    }
  };

  it('the owner may do everything with a private image', () => check(() => alice, 'owner', () => privateId, (a) => ALLOWED[a]));
  it('the owner may do everything with a public image', () => check(() => alice, 'owner', () => publicId, (a) => ALLOWED[a]));
  it('an admin may do everything with anyone\'s private image', () => check(() => server.root, 'admin', () => privateId, (a) => ALLOWED[a]));
  it('an admin may do everything with anyone\'s public image', () => check(() => server.root, 'admin', () => publicId, (a) => ALLOWED[a]));
  it('a member may read a private image shared with them, and gets 403 for changes', () =>
    check(() => carol, 'member', () => privateId, (a) => (READS.includes(a) ? ALLOWED[a] : 403)));
  it('another user gets 404 for everything about a private image', () => check(() => bob, 'other', () => privateId, () => 404));
  it('another user may read a public image and gets 403 for changes', () =>
    check(() => bob, 'other', () => publicId, (a) => (READS.includes(a) ? ALLOWED[a] : 403)));

  it('the member sees the change once the owner unshares', async () => {
    assert.equal((await alice.put(`/images/${privateId}/members/dave`)).status, 204);
    const dave = await server.user('dave2');
    assert.equal((await dave.get(`/images/${privateId}/meta`)).status, 404);
    const members = await alice.get(`/images/${privateId}/members`);
    assert.deepEqual(members.json().members.map((m: { access_key: string }) => m.access_key), ['carol', 'dave']);
    assert.equal((await alice.delete(`/images/${privateId}/members/dave`)).status, 204);
    assert.equal((await alice.delete(`/images/${privateId}/members/dave`)).status, 404, 'already removed');
  });

  it('a member asking for, adding or removing members is told what they may not do', async () => {
    const list = await carol.get(`/images/${privateId}/members`);
    assert.equal(list.status, 403);
    assert.equal(list.json().message, `you may not see who image '${privateId}' is shared with: only its owner and admins may`);
    const add = await carol.put(`/images/${privateId}/members/dave`);
    assert.equal(add.json().message, `you may not share image '${privateId}': only its owner and admins may`);
    const remove = await carol.delete(`/images/${privateId}/members/carol`);
    assert.equal(remove.json().message, `you may not stop sharing image '${privateId}': only its owner and admins may`);
  });

  it('sharing with an unknown user gets 404, with a malformed key 400', async () => {
    const unknown = await alice.put(`/images/${privateId}/members/nobody-such`);
    assert.equal(unknown.status, 404);
    assert.match(unknown.json().message, /user 'nobody-such' not found/);
    assert.equal((await alice.put(`/images/${privateId}/members/a!b`)).status, 400);
  });

  it('lists show public images, the caller\'s own and those shared with them; admins see all', async () => {
    const ids = async (client: AsClient, query = '') => {
      const res = await client.get(`/images${query}`);
      assert.equal(res.status, 200);
      return (res.json().images as Array<{ id: string }>).map((i) => i.id).sort();
    };
    assert.deepEqual(await ids(alice), [privateId, publicId].sort());
    assert.deepEqual(await ids(bob), [publicId, bobsId].sort());
    assert.deepEqual(await ids(carol), [privateId, publicId].sort());
    assert.deepEqual(await ids(server.root), [privateId, publicId, bobsId].sort());
    assert.deepEqual(await ids(bob, '/detail'), [publicId, bobsId].sort());
  });

  it('the owner= filter works on top of visibility', async () => {
    const ids = async (client: AsClient, owner: string) =>
      ((await client.get(`/images?owner=${owner}`)).json().images as Array<{ id: string }>).map((i) => i.id).sort();
    assert.deepEqual(await ids(bob, 'alice'), [publicId]);
    assert.deepEqual(await ids(carol, 'alice'), [privateId, publicId].sort());
    assert.deepEqual(await ids(alice, 'bob'), []);
    assert.deepEqual(await ids(server.root, 'bob'), [bobsId]);
  });

  it('delete: 404 for another user\'s private image, 403 for a public one; owner and admin may', async () => {
    const priv = await imageOf(alice, 'private', 'to-delete-private');
    const pub = await imageOf(alice, 'public', 'to-delete-public');
    await alice.put(`/images/${priv}/members/carol`);
    assert.equal((await bob.delete(`/images/${priv}`)).status, 404);
    assert.equal((await carol.delete(`/images/${priv}`)).status, 403);
    assert.equal((await bob.delete(`/images/${pub}`)).status, 403);
    assert.equal((await alice.delete(`/images/${priv}`)).status, 200);
    assert.equal((await server.root.delete(`/images/${pub}`)).status, 200);
    const left = await server.visor.db(MEMBERS_TABLE).where({ image_id: priv });
    assert.deepEqual(left, [], 'memberships go with the image');
  });

  it('other users may not register images for someone else: owner is always the signer', async () => {
    const res = await bob.post('/images', { image: { name: 'x', architecture: 'x86_64', owner: 'alice' } });
    assert.equal(res.status, 400);
  });
});

describe('anonymous callers', () => {
  for (const anonymousRead of [false, true]) {
    describe(`with anonymousRead ${anonymousRead}`, () => {
      let server: AuthVisor;
      let privateId: string;
      let publicId: string;
      before(async () => {
        server = await startAuthVisor({ anonymousRead });
        const alice = await server.user('alice');
        privateId = await imageOf(alice, 'private', 'alice-private');
        publicId = await imageOf(alice, 'public', 'alice-public');
      });
      after(() => server.close());

      it(anonymousRead ? 'may read public images only' : 'may read nothing (401)', async () => {
        for (const action of ['head', 'meta', 'download'] as Action[]) {
          assert.equal(await attempt(server.anonymous, action, publicId), anonymousRead ? 200 : 401, `public ${action}`);
          assert.equal(await attempt(server.anonymous, action, privateId), anonymousRead ? 404 : 401, `private ${action}`);
        }
      });

      it(anonymousRead ? 'lists public images only' : 'may not list (401)', async () => {
        const res = await server.anonymous.get('/images');
        assert.equal(res.status, anonymousRead ? 200 : 401);
        if (anonymousRead) assert.deepEqual(res.json().images.map((i: { id: string }) => i.id), [publicId]);
      });

      it('may change nothing and reach no other route (401)', async () => {
        for (const action of ['update', 'upload', 'share', 'unshare', 'presign', 'members'] as Action[]) {
          assert.equal(await attempt(server.anonymous, action, publicId), 401, action);
        }
        assert.equal((await server.anonymous.post('/images', { image: { name: 'a', architecture: 'x86_64' } })).status, 401);
        assert.equal((await server.anonymous.get('/users/me')).status, 401);
        assert.equal((await server.anonymous.get('/users')).status, 401);
      });
    });
  }
});
