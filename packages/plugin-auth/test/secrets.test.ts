import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SERVER_KEY_FILE, USERS_TABLE } from '../src/index.js';
import { imageOf, makeDataDir, ROOT, startAuthVisor, type AuthVisor } from './helpers/auth-visor.js';
import { received } from './helpers/http.js';
import { as } from './helpers/signed.js';

describe('secrets', () => {
  let server: AuthVisor;
  const secrets: string[] = [ROOT.secret];
  /** The responses allowed to show a secret: creation and rotation. */
  const showing = new Set<string>();

  before(async () => {
    server = await startAuthVisor({ anonymousRead: true });
    received.length = 0;
    // Every kind of request, with good and bad signatures, so the logs and answers have plenty in them.
    const alice = await server.user('alice');
    secrets.push(alice.credentials!.secret);
    const id = await imageOf(alice, 'private', 'secret-test');
    await alice.get(`/images/${id}`);
    await alice.head(`/images/${id}`);
    await alice.post(`/images/${id}/url?ttl=60`);
    await alice.put(`/images/${id}`, { image: { name: 'renamed' } });
    await as(server.url, { accessKey: 'alice', secret: 'wrong-secret-0000000' }).get('/images');
    await alice.get('/images', { date: new Date(Date.now() - 3600_000) });
    await alice.get('/users/me');
    await server.root.get('/users');
    await server.root.get('/users/alice');
    await server.root.put('/users/alice', { user: { email: 'alice@changed.example.org' } });
    await server.root.post('/users', { user: { access_key: 'alice', email: 'dup@example.org' } });
    const rotated = await server.root.post('/users/alice/rotate');
    secrets.push(rotated.json().user.secret_key);
    await alice.get('/users/me');
    await server.anonymous.get('/images');
    await server.root.get('/status');
    await server.root.delete(`/images/${id}`);
    for (const r of received) if (r.request === 'POST /users' || r.request === 'POST /users/alice/rotate') showing.add(r.request);
  });
  after(() => server.close());

  it('the secrets used here are real ones (the checks below could fail)', () => {
    assert.equal(secrets.length, 3);
    assert.ok(received.some((r) => r.text.includes(secrets[1]!)), 'creation showed alice\'s secret');
    assert.ok(received.some((r) => r.text.includes(secrets[2]!)), 'rotation showed the new secret');
  });

  it('no response shows a secret except the creation or rotation that made it', () => {
    for (const r of received) {
      for (const secret of secrets) {
        if (r.text.includes(secret)) assert.ok(showing.has(r.request) && /"secret_key"/.test(r.text), `${r.request} showed a secret`);
      }
    }
    const shownIn = received.filter((r) => secrets.some((s) => r.text.includes(s)));
    assert.equal(shownIn.length, 2, 'exactly one creation and one rotation');
  });

  it('no log line holds a secret', () => {
    assert.ok(server.logs.some((line) => line.includes('created the admin user')), 'the bootstrap line is there to check');
    for (const line of server.logs) {
      for (const secret of secrets) assert.ok(!line.includes(secret), `log line holds a secret: ${line.slice(0, 80)}`);
    }
  });

  it('the database holds secrets encrypted, not in plain text', async () => {
    const rows = await server.visor.db(USERS_TABLE).select('access_key', 'secret_encrypted');
    assert.ok(rows.length >= 2);
    for (const row of rows) {
      assert.match(row.secret_encrypted, /^v1:/);
      for (const secret of secrets) {
        assert.ok(!row.secret_encrypted.includes(secret));
        assert.ok(!row.secret_encrypted.includes(Buffer.from(secret).toString('base64')));
      }
    }
  });

  it('the server key is 32 bytes, readable by its owner only', async () => {
    const path = join(server.dataDir, SERVER_KEY_FILE);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal(Buffer.from((await readFile(path, 'utf8')).trim(), 'base64').length, 32);
  });

  it('with another server.key no secret decrypts: requests fail with 500 saying why, naming no secret', async () => {
    const dataDir = await makeDataDir();
    try {
      const first = await startAuthVisor({ dataDir });
      await first.close();
      await writeFile(join(dataDir, SERVER_KEY_FILE), `${randomBytes(32).toString('base64')}\n`);
      const second = await startAuthVisor({ dataDir });
      try {
        const res = await second.root.get('/users/me');
        assert.equal(res.status, 500);
        assert.ok(!res.text.includes(ROOT.secret));
        assert.ok(second.logs.some((l) => l.includes("server.key is not the key it was encrypted with")));
        assert.ok(second.logs.every((l) => !l.includes(ROOT.secret)));
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
