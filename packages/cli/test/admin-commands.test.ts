import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { removeTempDir } from '@visor/test-support';
import { runVisor } from './helpers/run-visor.js';
import { tempHome } from './helpers/files.js';
import { startVisor, type RunningVisor } from './helpers/visor-server.js';

describe('visor users (real server)', () => {
  let visor: RunningVisor;
  let home: string;
  let env: Record<string, string>;
  const run = (args: string[]) => runVisor(args, { home, env });

  before(async () => {
    visor = await startVisor();
    home = await tempHome();
    env = { VISOR_URL: visor.url, VISOR_ACCESS_KEY: visor.admin.accessKey, VISOR_SECRET_KEY: visor.admin.secretKey };
  });
  after(async () => {
    await visor?.stop();
    await removeTempDir(home);
  });

  it('users add shows the secret once; the new keys work; show, list, update, rotate, delete', async () => {
    const added = await run(['--json', 'users', 'add', 'carol', '--email', 'carol@example.org']);
    assert.equal(added.code, 0, added.stderr);
    const carol = (JSON.parse(added.stdout) as { user: { secret_key: string; role: string } }).user;
    assert.equal(carol.role, 'user');
    const asCarol = await runVisor(['--json', 'status'], { home, env: { ...env, VISOR_ACCESS_KEY: 'carol', VISOR_SECRET_KEY: carol.secret_key } });
    assert.equal((JSON.parse(asCarol.stdout) as { user: { access_key: string } }).user.access_key, 'carol');
    const shown = await run(['users', 'show', 'carol']);
    assert.doesNotMatch(shown.stdout, /secret/);
    assert.match((await run(['users', 'list'])).stdout, /^carol\tcarol@example.org\tuser\t/m);
    const updated = await run(['--json', 'users', 'update', 'carol', '--role', 'admin']);
    assert.equal((JSON.parse(updated.stdout) as { user: { role: string } }).user.role, 'admin');
    const rotated = await run(['--json', 'users', 'rotate', 'carol']);
    assert.notEqual((JSON.parse(rotated.stdout) as { user: { secret_key: string } }).user.secret_key, carol.secret_key);
    assert.equal((await run(['users', 'add', 'carol', '--email', 'c@example.org'])).code, 4);
    assert.equal((await run(['users', 'update', 'carol', '--role', 'root'])).code, 2);
    assert.equal((await run(['users', 'delete', 'carol'])).code, 2, 'asks first: no terminal, no --yes');
    assert.equal((await run(['users', 'delete', 'carol', '--yes'])).code, 0);
    assert.equal((await run(['users', 'show', 'carol'])).code, 3);
  });
});

describe('visor server start|status|stop|restart manage a local visor-server', () => {
  let home: string;
  let data: string;
  const run = (args: string[]) => runVisor(args, { home, env: { VISOR_PORT: '0', VISOR_DATA_DIR: data, VISOR_ADMIN_ACCESS_KEY: 'admin-x', VISOR_ADMIN_SECRET_KEY: 'a-long-enough-secret-key' } });

  before(async () => {
    home = await tempHome();
    data = join(home, 'data');
  });
  after(async () => {
    await run(['server', 'stop']);
    await removeTempDir(home);
  });

  it('start writes a pid file and a log, answers on its URL; status, restart and stop follow it', async () => {
    const started = await run(['--json', 'server', 'start']);
    assert.equal(started.code, 0, started.stderr);
    const state = (JSON.parse(started.stdout) as { server: { pid: number; url: string; log: string } }).server;
    assert.equal(Number(await readFile(join(home, '.visor', 'server', 'visor-server.pid'), 'utf8')), state.pid);
    assert.equal((await fetch(`${state.url}/status`)).status, 200);
    assert.match(await readFile(state.log, 'utf8'), /listening on/);
    assert.equal((await run(['server', 'start'])).code, 4, 'a second start is a conflict');
    const status = await run(['--json', 'server', 'status']);
    assert.equal((JSON.parse(status.stdout) as { server: { pid: number } }).server.pid, state.pid);
    const restarted = await run(['--json', 'server', 'restart']);
    assert.equal(restarted.code, 0, restarted.stderr);
    const after = (JSON.parse(restarted.stdout) as { server: { pid: number } }).server;
    assert.notEqual(after.pid, state.pid);
    assert.throws(() => process.kill(state.pid, 0), { code: 'ESRCH' });
    assert.equal((await run(['server', 'stop'])).code, 0);
    assert.throws(() => process.kill(after.pid, 0), { code: 'ESRCH' });
    await assert.rejects(stat(join(home, '.visor', 'server', 'visor-server.pid')), { code: 'ENOENT' });
    assert.equal((await run(['server', 'status'])).code, 3);
    assert.equal((await run(['server', 'stop'])).code, 3);
  });
});

describe('visor completion', () => {
  it('prints bash and zsh scripts that bash and zsh parse, naming the commands', async (t) => {
    const home = await tempHome(t);
    const bash = await runVisor(['completion', 'bash'], { home });
    assert.equal(bash.code, 0);
    assert.match(bash.stdout, /complete -o default -F _visor_complete visor/);
    assert.match(bash.stdout, /list\|brief\) opts="--detail --filter --sort --dir --limit --all"/);
    const { spawnSync } = await import('node:child_process');
    const checked = spawnSync('bash', ['-n'], { input: bash.stdout });
    assert.equal(checked.status, 0, String(checked.stderr));
    // Complete "visor us" in a real bash with the script loaded.
    const script = `${bash.stdout}\nCOMP_WORDS=(visor us); COMP_CWORD=1; _visor_complete; echo "\${COMPREPLY[@]}"`;
    assert.equal(spawnSync('bash', ['-c', script]).stdout.toString().trim(), 'users');
    const zsh = await runVisor(['completion', 'zsh'], { home });
    assert.match(zsh.stdout, /^#compdef visor/);
    assert.match(zsh.stdout, /bashcompinit/);
    assert.equal((await runVisor(['completion', 'fish'], { home })).code, 2);
  });
});
