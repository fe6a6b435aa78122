import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { MEMBERS_TABLE, USERS_TABLE } from '../src/index.js';
import { imageOf, makeDataDir, startAuthVisor, type AuthVisor } from './helpers/auth-visor.js';
import { createTestDatabase } from '@visor/test-support';
import { as } from './helpers/signed.js';

describe('on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let server: AuthVisor;
  let dataDir: string;
  before(async () => {
    db = await createTestDatabase('visor_auth_test');
    dataDir = await makeDataDir();
    server = await startAuthVisor({ database: { client: 'pg', connection: db.url }, dataDir });
  });
  after(async () => {
    await server?.close();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates its tables, signs, shares and lists', async () => {
    assert.ok(await server.visor.db.schema.hasTable(USERS_TABLE));
    assert.ok(await server.visor.db.schema.hasTable(MEMBERS_TABLE));
    const alice = await server.user('alice');
    const bob = await server.user('bob');
    const id = await imageOf(alice, 'private');
    assert.equal((await bob.get(`/images/${id}/meta`)).status, 404);
    assert.equal((await alice.put(`/images/${id}/members/bob`)).status, 204);
    assert.equal((await bob.get(`/images/${id}/meta`)).status, 200);
    const listed = (await bob.get('/images')).json().images.map((i: { id: string }) => i.id);
    assert.deepEqual(listed, [id]);
  });

  it('a second start on the same database keeps users and does not bootstrap again', async () => {
    await server.close();
    server = await startAuthVisor({ database: { client: 'pg', connection: db.url }, dataDir, env: {} });
    const users = (await server.root.get('/users')).json().users.map((u: { access_key: string }) => u.access_key);
    assert.deepEqual(users, ['alice', 'bob', 'root']);
    assert.ok(!server.logs.some((l) => l.includes('created the admin user')));
    assert.equal((await as(server.url, null).get('/images')).status, 401);
  });
});
