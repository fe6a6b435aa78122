import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startAuthVisor, type AuthVisor } from './helpers/auth-visor.js';
import { as, type AsClient } from './helpers/signed.js';

describe('users and keys', () => {
  let server: AuthVisor;
  let alice: AsClient;
  before(async () => {
    server = await startAuthVisor();
    alice = await server.user('alice');
  });
  after(() => server.close());

  it('POST /users creates a user and shows the secret once: 32 random bytes in base64', async () => {
    const res = await server.root.post('/users', { user: { access_key: 'erin', email: 'erin@example.org' } });
    assert.equal(res.status, 201);
    const { user } = res.json();
    assert.equal(user.access_key, 'erin');
    assert.equal(user.role, 'user', 'role defaults to user');
    assert.equal(Buffer.from(user.secret_key, 'base64').length, 32);
    assert.ok(user.created_at && user.updated_at);
    const again = await server.root.get('/users/erin');
    assert.equal(again.status, 200);
    assert.equal(again.json().user.secret_key, undefined, 'never shown again');
    assert.deepEqual(Object.keys(again.json().user).sort(), ['access_key', 'created_at', 'email', 'role', 'updated_at']);
  });

  it('two users never get the same secret', async () => {
    const a = (await server.root.post('/users', { user: { access_key: 'twin-a', email: 'a@example.org' } })).json().user.secret_key;
    const b = (await server.root.post('/users', { user: { access_key: 'twin-b', email: 'b@example.org' } })).json().user.secret_key;
    assert.notEqual(a, b);
  });

  it('GET /users lists every user without secrets', async () => {
    const res = await server.root.get('/users');
    assert.equal(res.status, 200);
    const users = res.json().users as Array<Record<string, unknown>>;
    assert.ok(users.some((u) => u.access_key === 'alice'));
    assert.ok(users.some((u) => u.access_key === 'root' && u.role === 'admin'));
    assert.ok(users.every((u) => !('secret_key' in u) && !('secret_encrypted' in u)));
  });

  it('GET /users/me shows the caller', async () => {
    const res = await alice.get('/users/me');
    assert.equal(res.status, 200);
    assert.equal(res.json().user.access_key, 'alice');
    assert.equal(res.json().user.email, 'alice@example.org');
  });

  it('only admins manage users (403 for others)', async () => {
    assert.equal((await alice.get('/users')).status, 403);
    assert.equal((await alice.post('/users', { user: { access_key: 'sneaky', email: 's@example.org', role: 'admin' } })).status, 403);
    assert.equal((await alice.get('/users/root')).status, 403);
    assert.equal((await alice.put('/users/alice', { user: { role: 'admin' } })).status, 403);
    assert.equal((await alice.delete('/users/root')).status, 403);
    assert.equal((await alice.post('/users/alice/rotate')).status, 403);
    assert.equal((await server.root.get('/users/sneaky')).status, 404, 'nothing was created');
  });

  it('validates access_key, email and role, and refuses server-managed fields', async () => {
    const bad: Array<[object, string]> = [
      [{ access_key: 'ab', email: 'x@example.org' }, 'access_key'],
      [{ access_key: 'a b c', email: 'x@example.org' }, 'access_key'],
      [{ access_key: 'x'.repeat(65), email: 'x@example.org' }, 'access_key'],
      [{ access_key: 'valid.key', email: 'not-an-email' }, 'email'],
      [{ access_key: 'valid.key', email: 'x@example.org', role: 'root' }, 'role'],
      [{ access_key: 'valid.key', email: 'x@example.org', colour: 'blue' }, 'colour'],
    ];
    for (const [user, field] of bad) {
      const res = await server.root.post('/users', { user });
      assert.equal(res.status, 400, JSON.stringify(user));
      assert.equal(res.json().field, field, JSON.stringify(user));
    }
    const managed = await server.root.post('/users', { user: { access_key: 'valid.key', email: 'x@example.org', secret_key: 'mine' } });
    assert.equal(managed.status, 400);
    assert.equal(managed.json().code, 'ReadOnlyField');
    assert.equal((await server.root.post('/users', { name: 'x' })).status, 400);
  });

  it('refuses a second user with the same access_key (409)', async () => {
    const res = await server.root.post('/users', { user: { access_key: 'alice', email: 'other@example.org' } });
    assert.equal(res.status, 409);
  });

  it('PUT /users/:access_key changes email and role', async () => {
    await server.user('frank');
    const res = await server.root.put('/users/frank', { user: { email: 'frank@new.example.org', role: 'admin' } });
    assert.equal(res.status, 200);
    assert.equal(res.json().user.email, 'frank@new.example.org');
    assert.equal(res.json().user.role, 'admin');
    assert.equal(res.json().user.secret_key, undefined);
    assert.equal((await server.root.put('/users/frank', { user: { access_key: 'frank2' } })).status, 400);
    assert.equal((await server.root.put('/users/nobody-such', { user: { email: 'n@example.org' } })).status, 404);
  });

  it('a promoted user gains admin rights at once', async () => {
    const gina = await server.user('gina');
    assert.equal((await gina.get('/users')).status, 403);
    assert.equal((await server.root.put('/users/gina', { user: { role: 'admin' } })).status, 200);
    assert.equal((await gina.get('/users')).status, 200);
  });

  it('rotation shows a new secret once; the old one stops working', async () => {
    const harry = await server.user('harry');
    assert.equal((await harry.get('/users/me')).status, 200);
    const res = await server.root.post('/users/harry/rotate');
    assert.equal(res.status, 200);
    const secret = res.json().user.secret_key as string;
    assert.notEqual(secret, harry.credentials!.secret);
    const old = await harry.get('/users/me');
    assert.equal(old.status, 403);
    assert.match(old.json().message, /signature does not match/);
    assert.equal((await as(server.url, { accessKey: 'harry', secret }).get('/users/me')).status, 200);
    assert.equal((await server.root.post('/users/nobody-such/rotate')).status, 404);
  });

  it('DELETE /users/:access_key removes the user; their key stops working', async () => {
    const ivan = await server.user('ivan');
    assert.equal((await server.root.delete('/users/ivan')).status, 204);
    const res = await ivan.get('/users/me');
    assert.equal(res.status, 403);
    assert.match(res.json().message, /unknown access key 'ivan'/);
    assert.equal((await server.root.get('/users/ivan')).status, 404);
    assert.equal((await server.root.delete('/users/ivan')).status, 404);
  });

  it('keeps at least one admin', async () => {
    const admins = ((await server.root.get('/users')).json().users as Array<{ access_key: string; role: string }>).filter((u) => u.role === 'admin');
    for (const admin of admins.filter((a) => a.access_key !== 'root')) {
      assert.equal((await server.root.put(`/users/${admin.access_key}`, { user: { role: 'user' } })).status, 200);
    }
    const demote = await server.root.put('/users/root', { user: { role: 'user' } });
    assert.equal(demote.status, 409);
    assert.match(demote.json().message, /only admin/);
    assert.equal((await server.root.delete('/users/root')).status, 409);
    assert.equal((await server.root.get('/users/me')).json().user.role, 'admin');
  });

  it('applies the text rules to e-mail addresses: unpaired surrogates, controls and noncharacters get 400; what is answered is what is stored', async () => {
    for (const [email, what] of <Array<[string, string]>>[['a\ud800@example.org', 'U+D800, an unpaired surrogate'], ['a\u0085@example.org', 'U+0085, a control character'], ['a\ufdd0@example.org', 'U+FDD0, a noncharacter']]) {
      const res = await server.root.post('/users', { user: { access_key: 'textrules', email } });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.json().field, 'email');
      assert.match(res.json().message, new RegExp(what.replace('+', '\\+')));
    }
    const created = (await server.root.post('/users', { user: { access_key: 'unicode', email: 'jürgen.\ud83d\ude00@bücher.example' } })).json().user;
    const { secret_key: _secret, ...answered } = created;
    assert.deepEqual((await server.root.get('/users/unicode')).json().user, answered);
  });
});
