import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase } from '@visor/test-support';
import { KeyCache } from '../src/key-cache.js';
import { makeDataDir, startAuthVisor, type AuthVisor } from './helpers/auth-visor.js';
import { as } from './helpers/signed.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('KeyCache', () => {
  it('keeps an entry for ttlMs, then reads again', () => {
    let now = 1000;
    const cache = new KeyCache<string>(500, 10, () => now);
    cache.set('alice', 'secret', cache.generation);
    now += 499;
    assert.equal(cache.get('alice'), 'secret');
    now += 1;
    assert.equal(cache.get('alice'), undefined);
    assert.equal(cache.size, 0, 'the expired entry is gone');
  });

  it('holds at most maxEntries, dropping the oldest', () => {
    const cache = new KeyCache<number>(60_000, 3);
    for (const [i, key] of ['a', 'b', 'c', 'd'].entries()) cache.set(key, i, cache.generation);
    assert.equal(cache.size, 3);
    assert.equal(cache.get('a'), undefined);
    assert.equal(cache.get('d'), 3);
  });

  it('does not cache what a lookup read before an invalidation', () => {
    const cache = new KeyCache<string>(60_000, 10);
    const generation = cache.generation; // a lookup starts
    cache.invalidate('alice'); // the key is rotated meanwhile
    cache.set('alice', 'old secret', generation);
    assert.equal(cache.get('alice'), undefined);
  });

  it('with ttlMs 0 caches nothing', () => {
    const cache = new KeyCache<string>(0, 10);
    cache.set('alice', 'secret', cache.generation);
    assert.equal(cache.get('alice'), undefined);
  });
});

describe('verified keys are cached, and revocation stays prompt', () => {
  it('on the instance that makes the change, rotation, deletion and a role change take effect at once', async () => {
    const server = await startAuthVisor({ authOptions: { keyCacheMs: 60_000 } });
    try {
      const alice = await server.user('alice');
      assert.equal((await alice.get('/images')).status, 200); // alice's key is cached now
      const rotated = await server.root.post('/users/alice/rotate');
      assert.equal(rotated.status, 200, rotated.text);
      const stale = await alice.get('/images');
      assert.equal(stale.status, 403);
      assert.match(stale.json().message, /signature does not match/);
      const renewed = as(server.url, { accessKey: 'alice', secret: rotated.json().user.secret_key });
      assert.equal((await renewed.get('/images')).status, 200);

      assert.equal((await renewed.get('/users')).status, 403, 'alice is no admin');
      assert.equal((await server.root.put('/users/alice', { user: { role: 'admin' } })).status, 200);
      assert.equal((await renewed.get('/users')).status, 200, 'the new role applies at once');

      assert.equal((await server.root.delete('/users/alice')).status, 204);
      const gone = await renewed.get('/images');
      assert.equal(gone.status, 403);
      assert.match(gone.json().message, /unknown access key 'alice'/);
    } finally {
      await server.close();
    }
  });

  describe('across two instances sharing a PostgreSQL database', () => {
    let db: Awaited<ReturnType<typeof createTestDatabase>>;
    let dataDir: string;
    let first: AuthVisor;
    let second: AuthVisor;
    const KEY_CACHE_MS = 400;
    before(async () => {
      db = await createTestDatabase('visor_auth_cache');
      dataDir = await makeDataDir(); // shared: both instances need the same server.key
      const database = { client: 'pg', connection: db.url };
      first = await startAuthVisor({ database, dataDir, authOptions: { keyCacheMs: KEY_CACHE_MS } });
      second = await startAuthVisor({ database, dataDir, authOptions: { keyCacheMs: KEY_CACHE_MS } });
    });
    after(async () => {
      await second?.close();
      await first?.close();
      await db?.drop();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('a key rotated on one instance stops working on the other within keyCacheMs', async () => {
      const alice = await first.user('alice');
      const aliceOnSecond = as(second.url, alice.credentials);
      assert.equal((await aliceOnSecond.get('/images')).status, 200); // cached on the second instance
      const rotated = await first.root.post('/users/alice/rotate');
      assert.equal(rotated.status, 200, rotated.text);
      const changedAt = Date.now();
      assert.equal((await alice.get('/images')).status, 403, 'refused at once where it was rotated');
      // The second instance may still accept the old key, but only until its cache entry expires.
      let refusedAfter: number | undefined;
      while (refusedAfter === undefined && Date.now() - changedAt < 5 * KEY_CACHE_MS) {
        if ((await aliceOnSecond.get('/images')).status === 403) refusedAfter = Date.now() - changedAt;
        else await pause(20);
      }
      assert.ok(refusedAfter !== undefined && refusedAfter <= KEY_CACHE_MS + 100, `the old key was refused after ${refusedAfter} ms (bound ${KEY_CACHE_MS} ms)`);
      const renewed = as(second.url, { accessKey: 'alice', secret: rotated.json().user.secret_key });
      assert.equal((await renewed.get('/images')).status, 200);
    });

    it('a user deleted on one instance is refused by the other within keyCacheMs', async () => {
      const bob = await first.user('bob');
      const bobOnSecond = as(second.url, bob.credentials);
      assert.equal((await bobOnSecond.get('/images')).status, 200);
      assert.equal((await first.root.delete('/users/bob')).status, 204);
      await pause(KEY_CACHE_MS + 50);
      const res = await bobOnSecond.get('/images');
      assert.equal(res.status, 403);
      assert.match(res.json().message, /unknown access key 'bob'/);
    });
  });

  it('keyCacheMs is checked at start-up', async () => {
    await assert.rejects(startAuthVisor({ authOptions: { keyCacheMs: -5 } }), /plugins\[0\]\.options\.keyCacheMs/);
  });
});
