import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Knex } from 'knex';
import { request } from '@visor/test-support';
import { ConfigError, resolveConfig, type ExtensionPlugin } from '../src/index.js';
import { startVisor, X86, type TestVisor } from './helpers/test-visor.js';

/**
 * The SQLite pool has one connection. A request that cannot get it within
 * database.acquireTimeoutSeconds gets 503 ServiceUnavailable with
 * Retry-After, naming the cause, never a 500 with knex's text. Provoked
 * deterministically: a transaction holds the one connection while requests
 * come, with a short acquire timeout.
 */
describe('a metadata database with no free connection (SQLite, one connection held)', () => {
  let t: TestVisor;
  let db: Knex;
  const holder: ExtensionPlugin = {
    kind: 'extension',
    name: 'holder',
    apiVersion: '1.0',
    apply(host) {
      db = host.db;
    },
  };

  before(async () => {
    t = await startVisor({ database: { client: 'sqlite3', acquireTimeoutSeconds: 0.3 }, plugins: [{ name: holder }] });
  });
  after(() => t?.close());

  /** Runs `during` while a transaction holds the pool's one connection. */
  async function whileHeld<T>(during: () => Promise<T>): Promise<T> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const transaction = db.transaction(async (trx) => {
      await trx.raw('select 1');
      holding();
      await released;
    });
    await held;
    try {
      return await during();
    } finally {
      release();
      await transaction;
    }
  }

  it('a request waits the acquire timeout, then gets 503 with Retry-After and a typed error naming the cause', async () => {
    const started = Date.now();
    const res = await whileHeld(() => request('GET', `${t.url}/images`));
    const waited = Date.now() - started;
    assert.equal(res.status, 503, res.text);
    assert.equal(res.headers['retry-after'], '5');
    assert.equal(res.headers['x-error-code'], 'ServiceUnavailable');
    const body = res.json();
    assert.equal(body.code, 'ServiceUnavailable');
    assert.equal(
      body.message,
      'the metadata database is busy: no connection to it became free within 0.3 s (database.acquireTimeoutSeconds); try again in 5 s',
    );
    assert.equal(body.retryAfterSeconds, 5);
    assert.doesNotMatch(res.text, /Knex|pool is probably full/);
    assert.ok(waited >= 250 && waited < 5000, `answered after ${waited} ms`);
    // The log keeps knex's error as the cause.
    const logged = t.logs.map((line) => JSON.parse(line) as Record<string, unknown>).find((r) => r.msg === 'request failed' && JSON.stringify(r).includes('ServiceUnavailable'));
    assert.ok(logged, t.logs.join(''));
    assert.match(JSON.stringify(logged.err), /"cause":\{"name":"KnexTimeoutError","message":"Knex: Timeout acquiring a connection/);
  });

  it('a registration in the same state changes nothing, HEAD gets the headers, and once the connection is free all works again', async () => {
    const [post, head] = await whileHeld(() =>
      Promise.all([request('POST', `${t.url}/images`, { body: { image: { ...X86, name: 'busy' } } }), request('HEAD', `${t.url}/images`)]),
    );
    assert.equal(post.status, 503, post.text);
    assert.equal(head.status, 503);
    assert.equal(head.headers['retry-after'], '5');
    assert.equal(head.headers['x-error-code'], 'ServiceUnavailable');
    const listed = await request('GET', `${t.url}/images`);
    assert.equal(listed.status, 200, listed.text);
    assert.ok(!listed.json().images.some((image: { name: string }) => image.name === 'busy'));
    assert.equal((await request('POST', `${t.url}/images`, { body: { image: { ...X86, name: 'free' } } })).status, 201);
  });

  it('database.acquireTimeoutSeconds: 10 s by default, kept when VISOR_DATABASE_URL replaces the database, checked', () => {
    const resolve = (input: unknown, env: Record<string, string> = {}) => resolveConfig(input, { baseDir: '/etc/visor', cwd: '/srv', env });
    assert.equal(resolve({}).database.acquireTimeoutSeconds, 10);
    assert.equal(resolve({ database: 'postgres://db/visor' }).database.acquireTimeoutSeconds, 10);
    assert.equal(resolve({ database: { client: 'pg', connection: 'postgres://db/visor', acquireTimeoutSeconds: 2.5 } }).database.acquireTimeoutSeconds, 2.5);
    assert.equal(resolve({ database: { client: 'sqlite3', acquireTimeoutSeconds: 30 } }, { VISOR_DATABASE_URL: 'postgres://env/db' }).database.acquireTimeoutSeconds, 30);
    for (const bad of [0, -1, '10', 7200]) {
      assert.throws(
        () => resolve({ database: { client: 'sqlite3', acquireTimeoutSeconds: bad } }),
        (error: unknown) => error instanceof ConfigError && error.key === 'database.acquireTimeoutSeconds' && /must be a number from 0.01 to 3600/.test(error.message),
      );
    }
  });
});
