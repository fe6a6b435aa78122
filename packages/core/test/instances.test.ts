import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { createTestDatabase, get, request, type TestDatabase } from '@visor/test-support';
import { exited, killChild, startChildVisor } from './helpers/child-visor.js';
import { logRecords } from './helpers/plugin-kit.js';
import { makeDataDir, startVisor, X86, type TestVisor } from './helpers/test-visor.js';
import { partFiles, startSlowUpload, tempEntries, type SlowUpload } from './helpers/uploads-in-flight.js';
import { waitFor } from './helpers/wait-for.js';

const octet = { 'content-type': 'application/octet-stream' };
const TEST = { timeout: 30_000 };

const statusOf = async (url: string, id: string) => (await get(`${url}/images/${id}/meta`)).json().image.status as string;

describe('several instances sharing one PostgreSQL database and one store', () => {
  let db: TestDatabase | undefined;
  let dataDir: string | undefined;
  let child: ChildProcess | undefined;
  const visors: TestVisor[] = [];
  const uploads: SlowUpload[] = [];
  after(async () => {
    for (const upload of uploads) upload.destroy();
    await killChild(child);
    for (const visor of visors) await visor.close();
    await db?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });
  // Fast beats so that an instance is dead after 0.6 s of silence; uploads idle for 0.5 s are cut.
  const tuned = (url: string) => ({ database: { client: 'pg', connection: url, pool: { max: 4 } }, heartbeatSeconds: 0.2, limits: { idleTimeoutSeconds: 0.5 } });

  it("an instance starting while another uploads leaves that upload and its temporary file alone; the upload completes", TEST, async () => {
    db = await createTestDatabase();
    dataDir = await makeDataDir();
    // Slower beats than the second's (dead only after 3 s of silence), so a loaded machine cannot make it look dead.
    const first = await startVisor({ ...tuned(db.url), heartbeatSeconds: 1, limits: { idleTimeoutSeconds: 30 } }, dataDir);
    visors.push(first);
    const image = (await request('POST', `${first.url}/images`, { body: { image: X86 } })).json().image;
    const data = randomBytes(3 * 1024 * 1024);
    const upload = startSlowUpload('PUT', `${first.url}/images/${image.id}`, { ...octet, 'content-length': data.length });
    uploads.push(upload);
    await upload.write(data.subarray(0, 1024 * 1024));
    await waitFor('a .part file', async () => (await partFiles(dataDir!)).length === 1);

    const second = await startVisor(tuned(db.url), dataDir);
    visors.push(second);
    // Well past three of the second's beats and one of its sweeps.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(await statusOf(second.url, image.id), 'uploading', 'the running upload was not rolled back');
    assert.equal((await partFiles(dataDir)).length, 1, 'its temporary file is still there');

    await upload.write(data.subarray(1024 * 1024));
    const res = await upload.response;
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json().image.status, 'available');
    assert.ok((await get(`${second.url}/images/${image.id}`)).body.equals(data), 'the other instance serves the finished file');
    assert.equal(logRecords(second.logs, 'rolled back').length, 0, second.logs.join('\n'));
    // Its long idle timeout would keep every instance from removing leftovers younger than a minute.
    await visors.shift()!.close();
  });

  it('an instance killed mid-upload: once silent for three beats, a live one rolls its upload back and removes its temporary file', TEST, async () => {
    const survivor = visors[0]!;
    const started = startChildVisor(dataDir!, tuned(db!.url));
    child = started.child;
    const url = await started.url;
    const image = (await request('POST', `${url}/images`, { body: { image: X86 } })).json().image;
    const upload = startSlowUpload('PUT', `${url}/images/${image.id}`, { ...octet, 'content-length': 3 * 1024 * 1024 });
    uploads.push(upload);
    await upload.write(randomBytes(512 * 1024));
    await waitFor('a .part file', async () => (await partFiles(dataDir!)).length === 1);
    const [victim] = await survivor.visor.db('visor_instances').whereNotIn('id', visors.map((v) => v.visor.instanceId));
    assert.ok(victim, 'the child instance is registered');

    // As if it ran on another machine: no process check can tell it died, only its silence.
    await survivor.visor.db('visor_instances').where({ id: victim.id }).update({ host: 'elsewhere.example' });
    child.kill('SIGKILL');
    await exited(child);

    await waitFor("the image back to 'locked'", async () => (await statusOf(survivor.url, image.id)) === 'locked', 10_000, 50);
    await waitFor('the temporary file gone', async () => (await partFiles(dataDir!)).length === 0, 10_000, 50);
    const gone = logRecords(survivor.logs, 'an instance stopped without closing');
    assert.deepEqual(gone.map((r) => [r.instance, r.host]), [[victim.id, 'elsewhere.example']]);
    assert.equal(logRecords(survivor.logs, 'rolled back an upload').filter((r) => r.image === image.id).length, 1);
    const ids = (await survivor.visor.db('visor_instances').select('id')).map((r: { id: string }) => r.id).sort();
    assert.deepEqual(ids, visors.map((v) => v.visor.instanceId).sort(), 'the dead instance was forgotten, the live ones kept');

    const data = randomBytes(100_000);
    const retry = await request('PUT', `${survivor.url}/images/${image.id}`, { headers: octet, body: data });
    assert.equal(retry.status, 200, retry.text);
  });

  it('a closed instance leaves the registry at once', TEST, async () => {
    const survivor = visors[0]!;
    // Fractional milliseconds (0.07 s × 3) and a long idle timeout go into PostgreSQL's columns too.
    const leaving = await startVisor({ ...tuned(db!.url), heartbeatSeconds: 0.07, limits: { idleTimeoutSeconds: 86_400 } }, dataDir);
    const id = leaving.visor.instanceId;
    assert.equal((await survivor.visor.db('visor_instances').where({ id })).length, 1);
    await leaving.close();
    assert.deepEqual(await survivor.visor.db('visor_instances').where({ id }), []);
  });
});

describe('idle connections', () => {
  let t: TestVisor;
  after(() => t.close());

  it("an upload that stops sending is cut after limits.idleTimeoutSeconds: the image back to 'locked', no temporary file", TEST, async () => {
    t = await startVisor({ limits: { idleTimeoutSeconds: 1 } });
    const image = (await request('POST', `${t.url}/images`, { body: { image: X86 } })).json().image;
    const upload = startSlowUpload('PUT', `${t.url}/images/${image.id}`, { ...octet, 'content-length': 1_000_000 });
    await upload.write(randomBytes(100_000));
    await waitFor('a .part file', async () => (await partFiles(t.dataDir)).length === 1);
    const cutAt = Date.now();
    await assert.rejects(upload.response, 'the server closed the connection');
    assert.ok(Date.now() - cutAt < 5000, 'cut within a few seconds of going idle');
    await waitFor("status 'locked'", async () => (await statusOf(t.url, image.id)) === 'locked');
    await waitFor('an empty .tmp', async () => (await tempEntries(t.dataDir)).length === 0);
  });

  it('a steady upload slower than the idle timeout in total is not cut', TEST, async () => {
    const image = (await request('POST', `${t.url}/images`, { body: { image: X86 } })).json().image;
    const pieces = 8;
    const upload = startSlowUpload('PUT', `${t.url}/images/${image.id}`, { ...octet, 'content-length': pieces * 10_000 });
    for (let i = 0; i < pieces; i++) {
      await upload.write(randomBytes(10_000));
      await new Promise((resolve) => setTimeout(resolve, 200)); // 1.6 s in all, never 1 s idle
    }
    const res = await upload.response;
    assert.equal(res.status, 200, res.text);
  });
});

describe('an upload whose claim another instance took meanwhile', () => {
  let t: TestVisor;
  after(() => t.close());

  it("commits nothing: 409, and the file the other instance stored stays as it was", TEST, async () => {
    t = await startVisor();
    const image = (await request('POST', `${t.url}/images`, { body: { image: X86 } })).json().image;
    const late = randomBytes(300_000);
    const upload = startSlowUpload('PUT', `${t.url}/images/${image.id}`, { ...octet, 'content-length': late.length });
    await upload.write(late.subarray(0, 100_000));
    await waitFor('a .part file', async () => (await partFiles(t.dataDir)).length === 1);

    // What an instance that took this one for dead would do: roll its upload back, then upload and finish its own.
    const theirs = randomBytes(50_000);
    const backend = t.visor.backends.get('default')!;
    const stored = await backend.put(image.id, Readable.from([theirs]), { size: theirs.length });
    await t.visor.db('images').where({ id: image.id }).update({
      status: 'available',
      upload_owner: null,
      upload_restore: null,
      location: stored.location,
      size: theirs.length,
      checksum: createHash('md5').update(theirs).digest('hex'),
      sha256: createHash('sha256').update(theirs).digest('hex'),
    });

    await upload.write(late.subarray(100_000));
    const res = await upload.response;
    assert.equal(res.status, 409, res.text);
    assert.match(res.json().message, /cancelled meanwhile.*nothing was stored/);
    const file = await get(`${t.url}/images/${image.id}`);
    assert.equal(file.status, 200);
    assert.ok(file.body.equals(theirs), "the other instance's file is intact");
    assert.deepEqual(await tempEntries(t.dataDir), []);
    assert.equal(await statusOf(t.url, image.id), 'available');
  });
});

describe('the instance registry', () => {
  let t: TestVisor;
  after(() => t.close());
  const row = (over: Record<string, unknown>) => ({
    id: randomUUID(),
    host: 'x',
    process_space: '',
    pid: 2 ** 22 + 12345, // above Linux's pid_max: no such process
    started_at: new Date().toISOString(),
    seen_at_ms: Date.now() + 3_600_000, // beat "in an hour": never silent during the test
    dead_after_ms: 30_000,
    idle_timeout_ms: 120_000,
    ...over,
  });

  it("judges another instance's process only where it shares host and process space (boot and PID namespace)", async () => {
    t = await startVisor();
    const db = t.visor.db;
    const self = await db('visor_instances').where({ id: t.visor.instanceId }).first();
    assert.ok(self.process_space.length > 0, 'this Linux machine tells its process space');
    const sameSpace = row({ host: self.host, process_space: self.process_space });
    const otherContainer = row({ host: self.host, process_space: `${self.process_space.split(' ')[0]} pid:[1]` });
    const otherHost = row({ host: 'elsewhere.example', process_space: self.process_space });
    const silent = row({ host: 'elsewhere.example', seen_at_ms: Date.now() - 3_600_000 });
    await db('visor_instances').insert([sameSpace, otherContainer, otherHost, silent]);

    const gone = await t.visor.instances.forgetDead(t.visor.instanceId);
    assert.deepEqual(gone.map((r) => r.id).sort(), [sameSpace.id, silent.id].sort());
    const left = (await db('visor_instances').select('id')).map((r: { id: string }) => r.id).sort();
    assert.deepEqual(left, [t.visor.instanceId, otherContainer.id, otherHost.id].sort());
    await db('visor_instances').whereIn('id', [otherContainer.id, otherHost.id]).delete();
  });

  it('takes an instance whose process exited but was never reaped (a zombie) for dead at once', async () => {
    // `sleep 0` runs in the background of a shell that then becomes `sleep 5`, which never reaps it.
    const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const zombie = Number((await new Promise<string>((resolve) => parent.stdout!.once('data', (c: Buffer) => resolve(c.toString())))).trim());
      await waitFor('the background process to exit unreaped', async () => readFileSync(`/proc/${zombie}/stat`, 'utf8').split(') ')[1]!.startsWith('Z'));
      const self = await t.visor.db('visor_instances').where({ id: t.visor.instanceId }).first();
      const crashed = row({ host: self.host, process_space: self.process_space, pid: zombie });
      await t.visor.db('visor_instances').insert(crashed);
      const gone = await t.visor.instances.forgetDead(t.visor.instanceId);
      assert.deepEqual(gone.map((r) => r.id), [crashed.id]);
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('of several instances taking over one stale upload, exactly one succeeds', async () => {
    const image = await t.visor.images.register(X86);
    const dead = randomUUID();
    await t.visor.db('images').where({ id: image.id }).update({ status: 'uploading', upload_restore: 'locked', upload_owner: dead });
    const store = t.visor.metadata;
    const results = await Promise.all([randomUUID(), randomUUID(), randomUUID()].map((to) => store.takeOverUpload(image.id, dead, to)));
    assert.deepEqual(results.filter(Boolean).length, 1);
  });
});
