import { authorizationHeader } from '@visor/client';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { VERSION } from '../src/index.js';
import { cleanEnv, runCli } from './helpers/cli-process.js';
import { get, request } from '@visor/test-support';
import { X86 } from './helpers/test-visor.js';

describe('CLI: visor-server', () => {
  let cwd: string;
  let dataDir: string;
  before(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'visor-cli-cwd-'));
    dataDir = await mkdtemp(join(tmpdir(), 'visor-cli-data-'));
  });
  after(async () => {
    await rm(cwd, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  });

  it('starts with VISOR_PORT=0 and VISOR_DATA_DIR, logs where it listens, serves, and stops on SIGTERM with exit 0', async () => {
    const run = runCli([], { cwd, env: cleanEnv({ VISOR_PORT: '0', VISOR_DATA_DIR: dataDir }) });
    try {
      const listening = await run.waitForLog(/listening on/);
      assert.equal(listening.level, 'info');
      const url = listening.url as string;
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.notEqual(url, 'http://127.0.0.1:0');
      assert.equal(listening.dataDir, dataDir);
      assert.equal(listening.database, 'sqlite3');
      assert.deepEqual(listening.stores, ['default']);
      assert.ok(String(listening.msg).includes(VERSION));

      const status = await get(`${url}/status`);
      assert.equal(status.status, 200);
      assert.equal(status.json().status.status, 'ok');
      assert.equal(status.json().status.version, VERSION);
      // Access control is on by default: unsigned requests are refused, the first admin's keys are on disk.
      const unsigned = await request('POST', `${url}/images`, { body: { image: X86 } });
      assert.equal(unsigned.status, 401);
      const credentialsFile = join(dataDir, 'admin-credentials.json');
      assert.equal((await stat(credentialsFile)).mode & 0o777, 0o600);
      const admin = JSON.parse(await readFile(credentialsFile, 'utf8')) as { access_key: string; secret_key: string };
      const headers = { 'content-type': 'application/json', 'x-visor-date': new Date().toUTCString() };
      const authorization = authorizationHeader(admin.access_key, admin.secret_key, { method: 'POST', path: '/images', headers });
      const created = await request('POST', `${url}/images`, { headers: { ...headers, authorization }, body: { image: X86 } });
      assert.equal(created.status, 201);
      assert.equal(created.json().image.owner, admin.access_key);
      assert.ok((await stat(join(dataDir, 'visor.sqlite'))).isFile(), 'the database is in VISOR_DATA_DIR');

      run.child.kill('SIGTERM');
      const { code, signal } = await run.exited;
      assert.equal(signal, null);
      assert.equal(code, 0, run.stderr());
      await run.waitForLog(/received SIGTERM/).catch(() => assert.fail(`no SIGTERM log line; stderr:\n${run.stderr()}`));
      for (const line of run.stderr().split('\n').filter((l) => l.trim() !== '')) {
        assert.doesNotThrow(() => JSON.parse(line), `stderr line is not JSON: ${line}`);
      }
      assert.equal(run.stdout(), '', 'logs go to stderr only');
      await assert.rejects(get(`${url}/status`), { code: 'ECONNREFUSED' });
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('keeps serving and stops on SIGTERM when its log reader went away (stderr a closed pipe: was an EPIPE loop that ignored the signal)', async () => {
    const lab = join(cwd, 'lab-epipe.json');
    await writeFile(lab, JSON.stringify({ plugins: ['tracking'] }));
    const run = runCli(['--config', lab], { cwd, env: cleanEnv({ VISOR_PORT: '0', VISOR_DATA_DIR: join(dataDir, 'epipe'), VISOR_LOG_LEVEL: 'debug' }) });
    const { url } = (await run.waitForLog(/listening on/)) as { url: string };
    run.child.stderr!.destroy(); // like `visor-server 2>&1 | head -1` once head has its line
    for (let i = 0; i < 20; i++) {
      assert.equal((await get(`${url}/images/00000000-0000-4000-8000-00000000000${i % 10}/meta`)).status, 404);
    }
    assert.equal((await get(`${url}/status`)).status, 200);
    const stopped = Date.now();
    run.child.kill('SIGTERM');
    const exit = await Promise.race([run.exited, new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 15_000))]);
    if (exit === 'still running') run.child.kill('SIGKILL');
    assert.notEqual(exit, 'still running', 'the server ignored SIGTERM for 15 s');
    assert.ok(Date.now() - stopped < 15_000);
  });

  it('keeps what it stored across a restart', async () => {
    const run = runCli([], { cwd, env: cleanEnv({ VISOR_PORT: '0', VISOR_DATA_DIR: dataDir, VISOR_LOG_LEVEL: 'info' }) });
    try {
      const { url } = (await run.waitForLog(/listening on/)) as { url: string };
      const admin = JSON.parse(await readFile(join(dataDir, 'admin-credentials.json'), 'utf8')) as { access_key: string; secret_key: string };
      const headers = { 'x-visor-date': new Date().toUTCString() };
      const authorization = authorizationHeader(admin.access_key, admin.secret_key, { method: 'GET', path: '/images', headers });
      const images = (await get(`${url}/images`, { ...headers, authorization })).json().images;
      assert.equal(images.length, 1, 'the image registered by the previous run');
      run.child.kill('SIGINT');
      assert.equal((await run.exited).code, 0);
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('a config file with an unknown key: exit 1, stderr names the key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'visor-cli-badconf-'));
    try {
      await writeFile(join(dir, 'visor.config.json'), JSON.stringify({ port: 0, dataDir: './data', prot: 8080 }));
      const searched = runCli([], { cwd: dir, env: cleanEnv() });
      const found = await searched.exited;
      assert.equal(found.code, 1);
      assert.match(searched.stderr(), /'prot'/);
      assert.match(searched.stderr(), /unknown setting/);
      assert.doesNotMatch(searched.stderr(), /listening on/);

      await writeFile(join(dir, 'other.yaml'), 'port: 0\nlimits:\n  maxImageByte: 10\n');
      const named = runCli(['--config', 'other.yaml'], { cwd: dir, env: cleanEnv() });
      assert.equal((await named.exited).code, 1);
      assert.match(named.stderr(), /limits\.maxImageByte/);
      await assert.rejects(stat(join(dir, 'data')), { code: 'ENOENT' }, 'nothing was created');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a bad environment variable: exit 1, stderr names the variable', async () => {
    const run = runCli([], { cwd, env: cleanEnv({ VISOR_PORT: 'eighty', VISOR_DATA_DIR: dataDir }) });
    assert.equal((await run.exited).code, 1);
    assert.match(run.stderr(), /VISOR_PORT/);
  });

  it('--help prints usage to stdout and exits 0; --version prints the version', async () => {
    for (const flag of ['--help', '-h']) {
      const help = runCli([flag], { cwd, env: cleanEnv() });
      assert.equal((await help.exited).code, 0);
      assert.match(help.stdout(), /^Usage: visor-server \[--config FILE\]/);
      for (const option of ['--config FILE', '--help', '--version', 'VISOR_PORT', 'VISOR_DATA_DIR']) assert.ok(help.stdout().includes(option), option);
      assert.equal(help.stderr(), '');
    }
    const version = runCli(['--version'], { cwd, env: cleanEnv() });
    assert.equal((await version.exited).code, 0);
    assert.equal(version.stdout().trim(), VERSION);
  });

  it('an unknown option exits non-zero naming it', async () => {
    const run = runCli(['--bogus'], { cwd, env: cleanEnv({ VISOR_DATA_DIR: dataDir, VISOR_PORT: '0' }) });
    const { code } = await run.exited;
    assert.notEqual(code, 0);
    assert.match(run.stderr(), /--bogus/);
    assert.doesNotMatch(run.stderr(), /listening on/);
  });
});
