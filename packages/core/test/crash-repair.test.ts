import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { rm } from 'node:fs/promises';
import { after, describe, it } from 'node:test';
import { createVisor, type Visor } from '../src/index.js';
import { get, request } from '@visor/test-support';
import { exited, killChild, startChildVisor } from './helpers/child-visor.js';
import { extension } from './helpers/plugin-kit.js';
import { listFiles, makeDataDir, memoryLogger, X86 } from './helpers/test-visor.js';
import { partFiles, startSlowUpload, tempEntries, type SlowUpload } from './helpers/uploads-in-flight.js';
import { waitFor } from './helpers/wait-for.js';

const octet = { 'content-type': 'application/octet-stream' };

interface LogRecord {
  level: string;
  msg: string;
  [field: string]: unknown;
}

describe('repair after a crash during uploads', () => {
  let child: ChildProcess | undefined;
  let visor: Visor | undefined;
  let dataDir: string | undefined;
  const uploads: SlowUpload[] = [];
  after(async () => {
    for (const upload of uploads) upload.destroy();
    await killChild(child);
    await visor?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('kill -9 mid-upload: on restart the PUT image is locked again, the POST record gone, .tmp empty, and it is logged', { timeout: 30_000 }, async () => {
    dataDir = await makeDataDir();
    const started = startChildVisor(dataDir);
    child = started.child;
    const url = await started.url;

    const image = (await request('POST', `${url}/images`, { body: { image: X86 } })).json().image;
    assert.equal(image.status, 'locked');
    const bystander = (await request('POST', `${url}/images`, { body: { image: { ...X86, name: 'bystander' } } })).json().image;
    const kept = randomBytes(20_000);
    const done = await request('PUT', `${url}/images/${bystander.id}`, { headers: octet, body: kept });
    assert.equal(done.status, 200, done.text);
    const put = startSlowUpload('PUT', `${url}/images/${image.id}`, { ...octet, 'content-length': 4_000_000 });
    const postName = `crash-post-${Date.now()}`;
    const post = startSlowUpload('POST', `${url}/images`, {
      ...octet,
      'content-length': 4_000_000,
      'x-image-meta-name': postName,
      'x-image-meta-architecture': 'x86_64',
    });
    uploads.push(put, post);
    await Promise.all([put.write(randomBytes(256 * 1024)), post.write(randomBytes(256 * 1024))]);
    await waitFor('both uploads to have a .part file', async () => (await partFiles(dataDir!)).length === 2);
    assert.equal((await get(`${url}/images/${image.id}/meta`)).json().image.status, 'uploading');
    const during = (await get(`${url}/images?name=${postName}`)).json().images;
    assert.equal(during.length, 1);
    assert.equal(during[0].status, 'uploading');
    const postId: string = during[0].id;

    child.kill('SIGKILL');
    await exited(child);
    assert.equal(child.signalCode, 'SIGKILL');
    for (const upload of uploads) upload.destroy();
    assert.equal((await partFiles(dataDir)).length, 2, 'the killed process left its partial files');

    const lines: string[] = [];
    const failures: Array<{ image: string; outcome: string; message: string }> = [];
    const witness = extension('failure-witness', (v) =>
      v.hooks.afterUploadFailed.tap('w', (failed, error, stats) => void failures.push({ image: failed.id, outcome: stats.outcome, message: error.message })),
    );
    visor = await createVisor({ dataDir, port: 0, plugins: [witness] }, { logger: memoryLogger(lines) });
    const { url: restarted } = await visor.listen();

    const putImage = await get(`${restarted}/images/${image.id}/meta`);
    assert.equal(putImage.status, 200);
    assert.equal(putImage.json().image.status, 'locked');
    assert.equal(putImage.json().image.size, null);
    assert.equal((await get(`${restarted}/images/${postId}/meta`)).status, 404);
    assert.deepEqual((await get(`${restarted}/images?name=${postName}`)).json().images, []);
    assert.deepEqual(await tempEntries(dataDir), [], '.tmp is empty');
    const finals = (await listFiles(`${dataDir}/images`)).filter((f) => !f.startsWith('.tmp/'));
    assert.deepEqual(finals, [`${bystander.id.slice(0, 2)}/${bystander.id}`], 'no file of the interrupted uploads');
    const untouched = (await get(`${restarted}/images/${bystander.id}/meta`)).json().image;
    assert.deepEqual(untouched, { ...done.json().image, uri: untouched.uri }, 'a finished image is left alone');
    assert.ok((await get(`${restarted}/images/${bystander.id}`)).body.equals(kept));

    const records = lines.map((line) => JSON.parse(line) as LogRecord);
    const repaired = records.filter((r) => r.msg === 'rolled back an upload its instance left unfinished');
    assert.deepEqual(
      repaired.map((r) => [r.level, r.image, r.outcome]).sort(),
      [
        ['warn', image.id, 'restored'],
        ['warn', postId, 'removed'],
      ].sort(),
    );
    const leftovers = records.find((r) => r.msg === 'removed leftovers of interrupted uploads');
    assert.ok(leftovers, `leftovers logged; log was:\n${lines.join('')}`);
    assert.equal(leftovers.count, 2);
    // afterUploadFailed tells plugins (tracking's history) how each interrupted upload ended.
    await waitFor('afterUploadFailed for both', async () => failures.length === 2);
    assert.deepEqual(failures.map((f) => [f.image, f.outcome]).sort(), [[image.id, 'failed'], [postId, 'failed']].sort());
    assert.match(failures[0]!.message, /stopped with the Visor instance running it; rolled back/);
    // The killed process never deregistered: its row went at once (same machine, process gone), not after 30 s.
    assert.deepEqual((await visor.db('visor_instances').select('id')).map((r: { id: string }) => r.id), [visor.instanceId]);

    const data = randomBytes(100_000);
    const retry = await request('PUT', `${restarted}/images/${image.id}`, { headers: octet, body: data });
    assert.equal(retry.status, 200, retry.text);
    assert.ok((await get(`${restarted}/images/${image.id}`)).body.equals(data));
  });
});

describe('repair after a crash between storing a file and recording it', () => {
  it('removes the file no record names, then puts the image back to locked', { timeout: 30_000 }, async () => {
    const dir = await makeDataDir();
    try {
      // The state a crash leaves right after the store's commit (the rename), before the metadata update.
      const first = await createVisor({ dataDir: dir, port: 0, plugins: [] }, { logger: memoryLogger([]) });
      const image = await first.images.register(X86);
      await first.db('images').where({ id: image.id }).update({ status: 'uploading', upload_restore: 'locked', upload_owner: randomUUID() });
      await first.backends.get('default')!.put(image.id, Readable.from([randomBytes(5000)]));
      await first.close();
      assert.deepEqual((await listFiles(`${dir}/images`)).filter((f) => !f.startsWith('.tmp/')), [`${image.id.slice(0, 2)}/${image.id}`]);

      const lines: string[] = [];
      const second = await createVisor({ dataDir: dir, port: 0, plugins: [] }, { logger: memoryLogger(lines) });
      try {
        assert.equal((await second.images.get(image.id)).status, 'locked');
        assert.deepEqual((await listFiles(`${dir}/images`)).filter((f) => !f.startsWith('.tmp/')), [], 'the unrecorded file is gone');
        const removed = lines.map((line) => JSON.parse(line) as LogRecord).filter((r) => r.msg === 'removed the file of an upload that was stored but never recorded');
        assert.deepEqual(removed.map((r) => r.image), [image.id]);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
