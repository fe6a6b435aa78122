import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { removeTempDir } from '@visor/test-support';
import { runVisor } from './helpers/run-visor.js';
import { tempHome } from './helpers/files.js';
import { startVisor, type RunningVisor } from './helpers/visor-server.js';

describe('visor login, profiles and the precedence of settings (real servers)', () => {
  let visor: RunningVisor;
  let open: RunningVisor;
  let home: string;

  before(async () => {
    [visor, open] = await Promise.all([startVisor(), startVisor({ config: { plugins: [] } })]);
    home = await tempHome();
  });
  after(async () => {
    await Promise.all([visor?.stop(), open?.stop()]);
    await removeTempDir(home);
  });

  const credentials = () => join(home, '.visor', 'credentials');

  it('login checks the keys with GET /users/me and saves the profile with mode 0600', async () => {
    const wrong = await runVisor(['login', visor.url, '--access-key', visor.admin.accessKey, '--secret-key-stdin'], { home, input: 'not-the-secret\n' });
    assert.equal(wrong.code, 5);
    assert.match(wrong.stderr, /signature does not match/);
    await assert.rejects(stat(credentials()), { code: 'ENOENT' }, 'nothing saved on a failed login');

    const r = await runVisor(['login', visor.url, '--access-key', visor.admin.accessKey, '--secret-key-stdin'], { home, input: `${visor.admin.secretKey}\n` });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /logged in as cli-admin \(admin\)/);
    assert.equal((await stat(credentials())).mode & 0o777, 0o600);
    const doc = JSON.parse(await readFile(credentials(), 'utf8')) as { profiles: Record<string, { url: string; secret_key: string }> };
    assert.equal(doc.profiles.default?.url, visor.url);
    assert.equal(doc.profiles.default?.secret_key, visor.admin.secretKey);
    const list = await runVisor(['--json', 'list'], { home });
    assert.equal(list.code, 0, list.stderr);
  });

  it('a named profile for a server without access control needs no keys', async () => {
    const r = await runVisor(['login', open.url, '--profile', 'open'], { home });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /no access control/);
    const added = await runVisor(['--profile', 'open', '--json', 'add', 'name=Open', 'architecture=x86_64'], { home });
    assert.equal(added.code, 0, added.stderr);
    const secured = await runVisor(['--json', 'list'], { home });
    assert.deepEqual((JSON.parse(secured.stdout) as { images: unknown[] }).images, [], 'the default profile is the other server');
    const unknown = await runVisor(['--profile', 'nope', 'list'], { home });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no profile 'nope'/);
  });

  it('precedence: flags > environment > profile > the client section of the visor configuration', async (t) => {
    const project = join(home, 'project');
    await mkdir(project, { recursive: true });
    await writeFile(join(project, 'package.json'), '{}');
    await writeFile(join(project, '.visorrc.json'), JSON.stringify({ client: { url: open.url } }));
    const bare = await tempHome(t);
    // Configuration only: the open server.
    const fromConfig = await runVisor(['--json', 'status'], { home: bare, cwd: project });
    assert.equal(fromConfig.code, 0, fromConfig.stderr);
    assert.equal((JSON.parse(fromConfig.stdout) as { server: string }).server, open.url);
    // The profile wins over the configuration.
    const fromProfile = await runVisor(['--json', 'status'], { home, cwd: project });
    assert.equal((JSON.parse(fromProfile.stdout) as { server: string }).server, visor.url);
    // The environment wins over the profile.
    const fromEnv = await runVisor(['--json', 'status'], { home, cwd: project, env: { VISOR_URL: open.url } });
    assert.equal((JSON.parse(fromEnv.stdout) as { server: string }).server, open.url);
    // A flag wins over the environment.
    const fromFlag = await runVisor(['--json', '--url', visor.url, 'status'], { home, cwd: project, env: { VISOR_URL: open.url } });
    assert.equal((JSON.parse(fromFlag.stdout) as { server: string }).server, visor.url);
    // Keys from the environment win over the profile's: wrong ones are refused.
    const badKeys = await runVisor(['list'], { home, env: { VISOR_ACCESS_KEY: 'cli-admin', VISOR_SECRET_KEY: 'wrong-wrong-wrong' } });
    assert.equal(badKeys.code, 5);
    const half = await runVisor(['list'], { home, env: { VISOR_ACCESS_KEY: 'cli-admin' } });
    assert.equal(half.code, 2);
    assert.match(half.stderr, /only one of the access key and the secret key/);
  });

  it('refuses a credentials file its group or others can read, and reads it again once it is 0600', async () => {
    await chmod(credentials(), 0o644);
    const r = await runVisor(['list'], { home });
    assert.equal(r.code, 5);
    assert.match(r.stderr, /readable or writable by others \(mode 644\).*chmod 600/);
    await chmod(credentials(), 0o600);
    assert.equal((await runVisor(['list'], { home })).code, 0);
  });

  it('logout removes the profile', async () => {
    const r = await runVisor(['logout', '--profile', 'open'], { home });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(await readFile(credentials(), 'utf8')) as { profiles: Record<string, unknown> };
    assert.deepEqual(Object.keys(doc.profiles), ['default']);
    assert.equal((await runVisor(['logout', '--profile', 'open'], { home })).code, 3);
  });
});
