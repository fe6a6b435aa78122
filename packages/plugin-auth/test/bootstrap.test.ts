import assert from 'node:assert/strict';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createVisor, silentLogger } from '@visor/core';
import authPlugin, { ADMIN_CREDENTIALS_FILE, USERS_TABLE } from '../src/index.js';
import { rawRequest } from './helpers/http.js';
import { resolveOptions } from '../src/options.js';
import { makeDataDir, startAuthVisor } from './helpers/auth-visor.js';
import { as } from './helpers/signed.js';

const exists = (path: string) => stat(path).then(() => true, () => false);

describe('admin bootstrap', () => {
  it('from VISOR_ADMIN_ACCESS_KEY / VISOR_ADMIN_SECRET_KEY: no credentials file is written', async () => {
    const env = { VISOR_ADMIN_ACCESS_KEY: 'boss', VISOR_ADMIN_SECRET_KEY: 'Ym9zcy1zZWNyZXQtZm9yLWJvb3RzdHJhcC10ZXN0' };
    const server = await startAuthVisor({ env });
    try {
      const res = await as(server.url, { accessKey: 'boss', secret: env.VISOR_ADMIN_SECRET_KEY }).get('/users/me');
      assert.equal(res.status, 200);
      assert.equal(res.json().user.role, 'admin');
      assert.equal(await exists(join(server.dataDir, ADMIN_CREDENTIALS_FILE)), false);
      assert.ok(server.logs.every((line) => !line.includes(env.VISOR_ADMIN_SECRET_KEY)));
    } finally {
      await server.close();
    }
  });

  it('generated: written once to admin-credentials.json (0600), logged by path only, kept across restarts', async () => {
    const dataDir = await makeDataDir();
    try {
      const first = await startAuthVisor({ env: {}, dataDir });
      const path = join(dataDir, ADMIN_CREDENTIALS_FILE);
      let text: string;
      try {
        text = await readFile(path, 'utf8');
        assert.equal((await stat(path)).mode & 0o777, 0o600);
        const credentials = JSON.parse(text) as { access_key: string; secret_key: string };
        assert.equal(credentials.access_key, 'admin');
        assert.equal(Buffer.from(credentials.secret_key, 'base64').length, 32);
        const line = first.logs.find((l) => l.includes(ADMIN_CREDENTIALS_FILE));
        assert.ok(line, 'a log line says where the credentials are');
        assert.ok(line.includes(path));
        assert.ok(first.logs.every((l) => !l.includes(credentials.secret_key)), 'the secret is never logged');
        const admin = as(first.url, { accessKey: 'admin', secret: credentials.secret_key });
        assert.equal((await admin.get('/users/me')).json().user.role, 'admin');
      } finally {
        await first.close();
      }
      // Environment variables set later change nothing: the first start decided.
      const second = await startAuthVisor({ env: { VISOR_ADMIN_ACCESS_KEY: 'late', VISOR_ADMIN_SECRET_KEY: 'bGF0ZS1zZWNyZXQtMDAwMDAwMDAwMDA=' }, dataDir });
      try {
        assert.equal(await readFile(path, 'utf8'), text, 'the file is not rewritten');
        const credentials = JSON.parse(text) as { secret_key: string };
        assert.equal((await as(second.url, { accessKey: 'admin', secret: credentials.secret_key }).get('/users/me')).status, 200, 'same secret after restart');
        const late = await as(second.url, { accessKey: 'late', secret: 'bGF0ZS1zZWNyZXQtMDAwMDAwMDAwMDA=' }).get('/users/me');
        assert.equal(late.status, 403);
        assert.ok(!second.logs.some((l) => l.includes('created the admin user')));
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to start with only one of the two variables, or a short secret', async () => {
    await assert.rejects(startAuthVisor({ env: { VISOR_ADMIN_ACCESS_KEY: 'boss' } }), /set both VISOR_ADMIN_ACCESS_KEY and VISOR_ADMIN_SECRET_KEY/);
    await assert.rejects(startAuthVisor({ env: { VISOR_ADMIN_SECRET_KEY: 'x'.repeat(40) } }), /set both/);
    await assert.rejects(startAuthVisor({ env: { VISOR_ADMIN_ACCESS_KEY: 'boss', VISOR_ADMIN_SECRET_KEY: 'short' } }), /at least 16 characters/);
  });

  it('refuses to overwrite a stale admin-credentials.json of another database', async () => {
    const dataDir = await makeDataDir();
    try {
      await writeFile(join(dataDir, ADMIN_CREDENTIALS_FILE), '{"access_key":"admin","secret_key":"old"}\n');
      await assert.rejects(startAuthVisor({ env: {}, dataDir }), /exists but the database has no user/);
      assert.match(await readFile(join(dataDir, ADMIN_CREDENTIALS_FILE), 'utf8'), /"old"/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('reads process.env when the options give no env; validates the options', async () => {
    assert.equal(resolveOptions({}).env, process.env);
    assert.deepEqual(resolveOptions({ env: { A: 'b' } }).env, { A: 'b' });
    assert.throws(() => resolveOptions({ anonymousRead: 'yes' }), /'anonymousRead' must be true or false/);
  });

  it('works as a bare plugin object in `plugins`, with no options', async () => {
    const dataDir = await makeDataDir();
    const visor = await createVisor({ dataDir, port: 0, plugins: [authPlugin] }, { logger: silentLogger });
    try {
      const { url } = await visor.listen();
      assert.equal((await rawRequest(url, 'GET', '/status')).status, 200);
      assert.equal((await rawRequest(url, 'GET', '/images')).status, 401);
      assert.ok(await visor.db.schema.hasTable(USERS_TABLE));
    } finally {
      await visor.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
