import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { VisorClient } from '@visor/client';
import { removeTempDir } from '@visor/test-support';
import { startVisor, type RunningVisor } from './helpers/visor-server.js';
import { runVisor } from './helpers/run-visor.js';
import { pattern, tempHome, writeFileOf } from './helpers/files.js';

describe('visor commands end to end against a real server (auth on, SQLite)', () => {
  let visor: RunningVisor;
  let home: string;
  let env: Record<string, string>;
  let admin: VisorClient;
  const run = (args: string[], input?: string) => runVisor(args, { home, env, ...(input === undefined ? {} : { input }) });
  const json = async (args: string[]) => {
    const r = await run(['--json', ...args]);
    assert.equal(r.code, 0, `visor ${args.join(' ')}: ${r.stderr}`);
    return JSON.parse(r.stdout) as Record<string, any>;
  };
  let debianId: string;

  before(async () => {
    visor = await startVisor();
    home = await tempHome();
    env = { VISOR_URL: visor.url, VISOR_ACCESS_KEY: visor.admin.accessKey, VISOR_SECRET_KEY: visor.admin.secretKey };
    admin = new VisorClient({ url: visor.url, ...visor.admin });
  });
  after(async () => {
    await visor?.stop();
    await removeTempDir(home);
  });

  it('add registers an image from k=v; splits on the first = only and keeps typed values with :=', async () => {
    const doc = await json(['add', 'name=Debian 12', 'architecture=x86_64', 'format=qcow2', 'source=http://mirror/x?a=b&c=d', 'cores:=4', 'lts:=true']);
    debianId = doc.image.id;
    assert.equal(doc.image.status, 'locked');
    assert.equal(doc.image.source, 'http://mirror/x?a=b&c=d');
    assert.equal(doc.image.cores, 4);
    assert.equal(doc.image.lts, true);
    assert.equal((await admin.get(debianId)).source, 'http://mirror/x?a=b&c=d');
  });

  it('a typo in a field name is refused locally with the nearest name, exit 2', async () => {
    const r = await run(['add', 'name=x', 'architecure=x86_64']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown field 'architecure': did you mean 'architecture'\?/);
    const bad = await run(['add', 'name=x', 'architecture=x86']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /'architecture' must be one of i386, x86_64/);
    const server = await run(['add', 'name=x', 'architecture=x86_64', 'size=4']);
    assert.equal(server.code, 2);
    assert.match(server.stderr, /'size' is set by the server/);
    assert.equal((await admin.list({ name: 'x' })).images.length, 0);
  });

  it('list prints tab-separated rows without a terminal, JSON with --json, and filters on custom properties', async () => {
    await json(['add', 'name=Fedora 41', 'architecture=aarch64', 'distro=fedora']);
    const plain = await run(['list', '--sort', 'name']);
    assert.equal(plain.code, 0, plain.stderr);
    const rows = plain.stdout.trim().split('\n').map((l) => l.split('\t'));
    assert.deepEqual(rows.map((r) => r[1]), ['Debian 12', 'Fedora 41']);
    assert.equal(rows[0]![0], debianId);
    const filtered = await json(['list', '--filter', 'distro=fedora']);
    assert.deepEqual(filtered.images.map((i: { name: string }) => i.name), ['Fedora 41']);
    const detail = await json(['list', '--detail', '--filter', 'architecture=x86_64']);
    assert.equal(detail.images[0].cores, 4);
    const desc = await json(['list', '--sort', 'name', '--dir', 'desc', '--limit', '1']);
    assert.equal(desc.images[0].name, 'Fedora 41');
    assert.ok(desc.next, 'a next link when more images match');
    const all = await json(['list', '--limit', '1', '--all']);
    assert.equal(all.images.length, 2);
    const brief = await json(['brief']);
    assert.equal(brief.images.length, 2);
    assert.equal(brief.images[0].cores, undefined, 'brief: brief fields only');
    const detailAlias = await json(['detail', '--filter', 'architecture=x86_64']);
    assert.equal(detailAlias.images[0].cores, 4, 'detail: every field, as list --detail');
    const badSort = await run(['list', '--sort', 'nmae']);
    assert.equal(badSort.code, 2);
    assert.match(badSort.stderr, /did you mean 'name'/);
  });

  it('show prints every field; an unknown id exits 3 with the server code and message, no stack', async () => {
    const shown = await run(['show', debianId]);
    assert.equal(shown.code, 0);
    assert.match(shown.stdout, /^source\thttp:\/\/mirror\/x\?a=b&c=d$/m);
    assert.match(shown.stdout, /^cores\t4$/m);
    const missing = await run(['show', '0b7a0e36-1f7e-4d8e-9d51-7f2a7b2f9c11']);
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /^visor: NotFound \(HTTP 404\): image '0b7a0e36-1f7e-4d8e-9d51-7f2a7b2f9c11' not found\n$/);
    const head = await run(['head', debianId]);
    assert.equal(head.code, 0);
  });

  it('update changes fields and removes a property with :=null', async () => {
    const doc = await json(['update', debianId, 'name=Debian 12.8', 'lts:=null']);
    assert.equal(doc.image.name, 'Debian 12.8');
    assert.equal('lts' in doc.image, false);
    const nothing = await run(['update', debianId]);
    assert.equal(nothing.code, 2);
  });

  it('update --file uploads to a locked image; a second upload is a conflict (exit 4)', async () => {
    const bytes = pattern(300_000);
    const file = await writeFileOf(home, 'debian.qcow2', bytes);
    const doc = await json(['update', debianId, '--file', file]);
    assert.equal(doc.image.status, 'available');
    assert.equal(doc.image.size, bytes.length);
    assert.equal(doc.verification, 'trailer');
    const again = await run(['update', debianId, '--file', file]);
    assert.equal(again.code, 4);
    assert.match(again.stderr, /Conflict \(HTTP 409\)/);
  });

  it('add --file with --digest-first declares the digests; a wrong --sha256 stores nothing (exit 2, BadDigest)', async () => {
    const bytes = pattern(200_000, 3);
    const file = await writeFileOf(home, 'alpine.raw', bytes);
    const doc = await json(['add', 'name=Alpine', 'architecture=x86_64', 'format=raw', '--file', file, '--digest-first']);
    assert.equal(doc.verification, 'declared');
    assert.equal(doc.image.size, bytes.length);
    const wrong = await run(['add', 'name=Wrong', 'architecture=x86_64', '--file', file, '--sha256', '0'.repeat(64)]);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /BadDigest/);
    assert.equal((await admin.list({ name: 'Wrong' })).images.length, 0);
    const missing = await run(['add', 'name=Gone', 'architecture=x86_64', '--file', `${home}/nope.raw`]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /cannot read .*nope\.raw/);
  });

  it('url makes a presigned URL a plain fetch downloads', async () => {
    const r = await run(['url', debianId, '--ttl', '60']);
    assert.equal(r.code, 0, r.stderr);
    const response = await fetch(r.stdout.trim());
    assert.equal(response.status, 200);
    assert.equal((await response.arrayBuffer()).byteLength, 300_000);
    const bad = await run(['url', debianId, '--ttl', '0']);
    assert.equal(bad.code, 2);
  });

  it('share, members, unshare; permission errors exit 5', async () => {
    const bob = await admin.users.create({ access_key: 'bob', email: 'bob@example.org' });
    const shared = await run(['share', debianId, 'bob']);
    assert.equal(shared.code, 0, shared.stderr);
    const members = await json(['members', debianId]);
    assert.deepEqual(members.members.map((m: { access_key: string }) => m.access_key), ['bob']);
    const asBob = await runVisor(['members', debianId], { home, env: { ...env, VISOR_ACCESS_KEY: 'bob', VISOR_SECRET_KEY: bob.secret_key } });
    assert.equal(asBob.code, 5);
    assert.match(asBob.stderr, /Forbidden \(HTTP 403\)/);
    assert.equal((await run(['unshare', debianId, 'bob'])).code, 0);
    assert.deepEqual((await json(['members', debianId])).members, []);
    const wrongKey = await runVisor(['list'], { home, env: { ...env, VISOR_SECRET_KEY: 'wrong-secret-key-000' } });
    assert.equal(wrongKey.code, 5);
  });

  it('history lists the events and stats the counts', async () => {
    const history = await json(['history', debianId]);
    const actions = history.history.map((e: { action: string }) => e.action);
    for (const a of ['registered', 'updated', 'uploaded', 'shared', 'unshared']) assert.ok(actions.includes(a), `${a} in ${actions}`);
    const plain = await run(['history', debianId]);
    assert.match(plain.stdout, /\tregistered\tcli-admin\t/);
    const stats = await json(['stats']);
    assert.equal(stats.stats.scope, 'all');
    assert.equal(stats.stats.images.total, 3);
    const text = await run(['stats']);
    assert.match(text.stdout, /^images: 3$/m);
  });

  it('delete asks first: without a terminal and without --yes it refuses (exit 2) and deletes nothing', async () => {
    const refused = await run(['delete', '--filter', 'distro=fedora']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /Fedora 41/);
    assert.match(refused.stderr, /give --yes/);
    assert.equal((await admin.list({ distro: 'fedora' })).images.length, 1);
    const done = await json(['delete', '--filter', 'distro=fedora', '--yes']);
    assert.equal(done.deleted[0].name, 'Fedora 41');
    assert.equal((await admin.list({ distro: 'fedora' })).images.length, 0);
    const none = await run(['delete', '0b7a0e36-1f7e-4d8e-9d51-7f2a7b2f9c11', '--yes']);
    assert.equal(none.code, 3);
  });

  it('usage errors exit 2; a server that cannot be reached exits 7; no server configured exits 2', async () => {
    assert.equal((await run(['lsit'])).code, 2);
    assert.equal((await run([])).code, 2, 'no command and no terminal: help, as a usage error');
    assert.equal((await run(['users'])).code, 2);
    assert.equal((await run(['--help'])).code, 0);
    assert.equal((await run(['list', '--limit', 'x'])).code, 2);
    const unreachable = await runVisor(['list'], { home, env: { ...env, VISOR_URL: 'http://127.0.0.1:9' } });
    assert.equal(unreachable.code, 7);
    assert.match(unreachable.stderr, /^visor: NetworkError: GET http:\/\/127\.0\.0\.1:9\/images failed: connection refused: nothing listens at 127\.0\.0\.1:9 \(is the Visor server running/);
    const nothing = await runVisor(['list'], { home, env: {} });
    assert.equal(nothing.code, 2);
    assert.match(nothing.stderr, /visor login/);
  });

  it('status and plugins show the server', async () => {
    const status = await json(['status']);
    assert.equal(status.status.status, 'ok');
    assert.equal(status.user.access_key, 'cli-admin');
    const plugins = await run(['plugins']);
    assert.equal(plugins.code, 0, plugins.stderr);
    assert.match(plugins.stdout, /^store\tdefault\tfs\tok\t/m);
    assert.match(plugins.stdout, /^extension\tauth\textension\tok/m);
  });
});
