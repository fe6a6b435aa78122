import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { faultyBackendPlugin, noFaults } from './helpers/faulty-backend.js';
import { get, request } from '@visor/test-support';
import { listFiles, startVisor, X86, type TestVisor } from './helpers/test-visor.js';
import { partFiles, raceUploads, startSlowUpload, tempEntries } from './helpers/uploads-in-flight.js';
import { waitFor } from './helpers/wait-for.js';

const octet = { 'content-type': 'application/octet-stream' };
const TEST = { timeout: 20_000 };

async function register(t: TestVisor, extra: Record<string, unknown> = {}) {
  const res = await request('POST', `${t.url}/images`, { body: { image: { ...X86, ...extra } } });
  assert.equal(res.status, 201, res.text);
  return res.json().image as { id: string; name: string };
}

const meta = async (t: TestVisor, id: string) => (await get(`${t.url}/images/${id}/meta`)).json().image;
const listNamed = async (t: TestVisor, name: string) => (await get(`${t.url}/images?name=${encodeURIComponent(name)}`)).json().images as unknown[];
/** Files of the default fs store outside its temporary directory. */
const storedFiles = async (t: TestVisor) => (await listFiles(join(t.dataDir, 'images'))).filter((f) => !f.startsWith('.tmp/'));

describe('uploads cut off by the client', () => {
  let t: TestVisor;
  before(async () => {
    t = await startVisor();
  });
  after(() => t.close());

  it('a PUT cut off mid-body: the image is locked again, no file is left, a later upload succeeds', TEST, async () => {
    const image = await register(t);
    const upload = startSlowUpload('PUT', `${t.url}/images/${image.id}`, { ...octet, 'content-length': 1_000_000 });
    await upload.write(randomBytes(200_000));
    await waitFor('the server to start writing a .part file', () => partFiles(t.dataDir).then((f) => f.length > 0));
    assert.equal((await meta(t, image.id)).status, 'uploading');
    upload.destroy();

    await waitFor("the image to return to 'locked'", async () => (await meta(t, image.id)).status === 'locked');
    await waitFor('the .tmp directory to be empty', async () => (await tempEntries(t.dataDir)).length === 0);
    const after = await meta(t, image.id);
    assert.equal(after.size, null);
    assert.equal(after.location, null);
    assert.deepEqual(await storedFiles(t), [], 'no final file');

    const data = randomBytes(300_000);
    const retry = await request('PUT', `${t.url}/images/${image.id}`, { headers: octet, body: data });
    assert.equal(retry.status, 200, retry.text);
    assert.equal(retry.json().image.status, 'available');
    assert.ok((await get(`${t.url}/images/${image.id}`)).body.equals(data));
  });

  it('a POST register+upload cut off mid-body: the record is gone and no file is left', TEST, async () => {
    const name = `aborted-post-${Date.now()}`;
    const upload = startSlowUpload('POST', `${t.url}/images`, {
      ...octet,
      'content-length': 1_000_000,
      'x-image-meta-name': name,
      'x-image-meta-architecture': 'x86_64',
    });
    await upload.write(randomBytes(200_000));
    await waitFor('the server to start writing a .part file', () => partFiles(t.dataDir).then((f) => f.length > 0));
    assert.equal((await listNamed(t, name)).length, 1, 'the record exists while the upload runs');
    upload.destroy();

    await waitFor('the record to go away', async () => (await listNamed(t, name)).length === 0);
    await waitFor('the .tmp directory to be empty', async () => (await tempEntries(t.dataDir)).length === 0);
    const files = await storedFiles(t);
    const detail = (await get(`${t.url}/images/detail`)).json().images as Array<{ location: string | null }>;
    const known = detail.filter((i) => i.location !== null).length;
    assert.equal(files.length, known, 'only files of available images remain');
  });
});

describe('uploads racing for one image', () => {
  let t: TestVisor;
  before(async () => {
    t = await startVisor();
  });
  after(() => t.close());

  for (let round = 1; round <= 3; round++) {
    it(`two concurrent slow PUTs (round ${round}): one 200, one 409, the stored file is the winner's`, TEST, async () => {
      const image = await register(t);
      const bodies = [randomBytes(256 * 1024), randomBytes(256 * 1024)];
      const responses = await raceUploads(`${t.url}/images/${image.id}`, bodies);
      const statuses = responses.map((r) => r.status).sort();
      assert.deepEqual(statuses, [200, 409], responses.map((r) => r.text).join('\n'));
      const winner = responses.findIndex((r) => r.status === 200);
      const loser = responses[1 - winner]!;
      assert.equal(loser.json().code, 'Conflict');
      assert.match(loser.json().message, /being uploaded by another request/, 'refused while the winner is still mid-body');
      const stored = responses[winner]!.json().image;
      assert.equal(stored.size, bodies[winner]!.length);
      const file = await get(`${t.url}/images/${image.id}`);
      assert.equal(file.status, 200);
      assert.ok(file.body.equals(bodies[winner]!), "the stored file is the winner's bytes");
      assert.deepEqual(await tempEntries(t.dataDir), []);
    });
  }

  it('a PUT arriving while another is mid-body gets 409 at once and does not disturb it', TEST, async () => {
    const image = await register(t);
    const first = randomBytes(500_000);
    const a = startSlowUpload('PUT', `${t.url}/images/${image.id}`, { ...octet, 'content-length': first.length });
    await a.write(first.subarray(0, 100_000));
    await waitFor('the first upload to claim the image', async () => (await meta(t, image.id)).status === 'uploading');
    const second = await request('PUT', `${t.url}/images/${image.id}`, { headers: octet, body: randomBytes(1000) });
    assert.equal(second.status, 409);
    assert.match(second.json().message, /being uploaded by another request/);
    a.end(first.subarray(100_000));
    const res = await a.response;
    assert.equal(res.status, 200, res.text);
    assert.ok((await get(`${t.url}/images/${image.id}`)).body.equals(first));
  });
});

describe('changes to an image while its file uploads', () => {
  let t: TestVisor;
  before(async () => {
    t = await startVisor({ stores: { default: { backend: 'fs' }, archive: { backend: 'fs', options: { directory: 'archive' } } } });
  });
  after(() => t.close());

  it('a DELETE or a store change during an upload answers 409; the upload still completes', TEST, async () => {
    const image = await register(t);
    const data = randomBytes(400_000);
    const upload = startSlowUpload('PUT', `${t.url}/images/${image.id}`, { ...octet, 'content-length': data.length });
    await upload.write(data.subarray(0, 100_000));
    await waitFor('the upload to claim the image', async () => (await meta(t, image.id)).status === 'uploading');
    const del = await request('DELETE', `${t.url}/images/${image.id}`);
    assert.equal(del.status, 409, del.text);
    assert.match(del.json().message, /being uploaded/);
    const move = await request('PUT', `${t.url}/images/${image.id}`, { body: { image: { store: 'archive' } } });
    assert.equal(move.status, 409, move.text);
    assert.match(move.json().message, /store cannot change/);
    const rename = await request('PUT', `${t.url}/images/${image.id}`, { body: { image: { name: 'renamed mid-upload' } } });
    assert.equal(rename.status, 200, 'metadata other than the file may change meanwhile');
    upload.end(data.subarray(100_000));
    const res = await upload.response;
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json().image.name, 'renamed mid-upload');
    assert.equal(res.json().image.store, 'default');
    assert.ok((await get(`${t.url}/images/${image.id}`)).body.equals(data));
  });
});

describe('storage backend failures', () => {
  let t: TestVisor;
  const faults = noFaults();
  before(async () => {
    t = await startVisor({ stores: { flaky: { backend: faultyBackendPlugin(faults), options: {} } } });
  });
  after(() => t.close());
  const reset = () => Object.assign(faults, noFaults());

  it('a put failing midway: 502 naming the store and the key, the image locked again, nothing left', TEST, async () => {
    const image = await register(t);
    faults.failPutAfterBytes = 64 * 1024;
    try {
      const res = await request('PUT', `${t.url}/images/${image.id}`, { headers: octet, body: randomBytes(1024 * 1024) });
      assert.equal(res.status, 502, res.text);
      const error = res.json();
      assert.equal(error.code, 'BackendError');
      assert.match(error.message, /backend 'flaky'/);
      assert.match(error.message, new RegExp(`key '${image.id}'`));
      assert.equal(error.backend, 'flaky');
      assert.equal(error.key, image.id);
    } finally {
      reset();
    }
    const after = await meta(t, image.id);
    assert.equal(after.status, 'locked');
    assert.equal(after.size, null);
    assert.deepEqual(await tempEntries(t.dataDir), []);
    assert.deepEqual(await storedFiles(t), []);
    assert.ok(
      t.logs.some((line) => line.includes('"level":"error"') && line.includes('request failed') && line.includes('flaky')),
      'the failure is logged as a server-side error',
    );

    const data = randomBytes(100_000);
    const retry = await request('PUT', `${t.url}/images/${image.id}`, { headers: octet, body: data });
    assert.equal(retry.status, 200, retry.text);
    assert.ok((await get(`${t.url}/images/${image.id}`)).body.equals(data));
    await request('DELETE', `${t.url}/images/${image.id}`);
  });

  it('a disk filling up midway: 507 InsufficientStorage naming store and key, the image locked again, nothing left', TEST, async () => {
    const image = await register(t);
    faults.fillDiskAfterBytes = 64 * 1024;
    try {
      const res = await request('PUT', `${t.url}/images/${image.id}`, { headers: octet, body: randomBytes(1024 * 1024) });
      assert.equal(res.status, 507, res.text);
      assert.equal(res.json().code, 'InsufficientStorage');
      assert.match(res.json().message, new RegExp(`backend 'flaky' key '${image.id}': the store is full: write failed \\(ENOSPC\\); nothing was stored`));
    } finally {
      reset();
    }
    assert.equal((await meta(t, image.id)).status, 'locked');
    assert.deepEqual(await tempEntries(t.dataDir), []);
    assert.deepEqual(await storedFiles(t), []);
  });

  it('a POST register+upload failing midway: 502 and no record', TEST, async () => {
    const name = `failing-post-${Date.now()}`;
    faults.failPutAfterBytes = 10_000;
    try {
      const res = await request('POST', `${t.url}/images`, {
        headers: { ...octet, 'x-image-meta-name': name, 'x-image-meta-architecture': 'x86_64' },
        body: randomBytes(500_000),
      });
      assert.equal(res.status, 502, res.text);
      assert.match(res.json().message, /backend 'flaky' key '[0-9a-f-]{36}'/);
    } finally {
      reset();
    }
    assert.deepEqual(await listNamed(t, name), []);
    assert.deepEqual(await tempEntries(t.dataDir), []);
    assert.deepEqual(await storedFiles(t), []);
  });

  it('a store that cannot be reached: 503 without waiting for the body; the image locked again', TEST, async () => {
    const image = await register(t);
    faults.putUnavailable = true;
    try {
      const upload = startSlowUpload('PUT', `${t.url}/images/${image.id}`, { ...octet, 'content-length': 4 * 1024 * 1024 });
      await upload.write(randomBytes(16 * 1024));
      const res = await upload.response;
      assert.equal(res.status, 503, res.text);
      assert.equal(res.headers.connection, 'close', 'the unread body is not drained');
      assert.equal(res.json().code, 'BackendUnavailable');
      assert.match(res.json().message, new RegExp(`backend 'flaky' key '${image.id}'`));
    } finally {
      reset();
    }
    assert.equal((await meta(t, image.id)).status, 'locked');
    assert.deepEqual(await tempEntries(t.dataDir), []);
    const retry = await request('PUT', `${t.url}/images/${image.id}`, { headers: octet, body: Buffer.from('now it works') });
    assert.equal(retry.status, 200, retry.text);
    await request('DELETE', `${t.url}/images/${image.id}`);
  });

  it('a failing delete: an error, the record and the file stay; once fixed the delete succeeds', TEST, async () => {
    const image = await register(t);
    const data = randomBytes(50_000);
    const stored = (await request('PUT', `${t.url}/images/${image.id}`, { headers: octet, body: data })).json().image;
    assert.equal(stored.status, 'available');
    faults.failDelete = true;
    try {
      const res = await request('DELETE', `${t.url}/images/${image.id}`);
      assert.equal(res.status, 502, res.text);
      assert.equal(res.json().code, 'BackendError');
      assert.match(res.json().message, /backend 'flaky'/);
    } finally {
      reset();
    }
    const still = await get(`${t.url}/images/${image.id}/meta`);
    assert.equal(still.status, 200);
    assert.deepEqual(still.json().image, { ...stored, accessed_at: still.json().image.accessed_at, access_count: still.json().image.access_count });
    const file = await get(`${t.url}/images/${image.id}`);
    assert.equal(file.status, 200);
    assert.ok(file.body.equals(data));

    const res = await request('DELETE', `${t.url}/images/${image.id}`);
    assert.equal(res.status, 200, res.text);
    assert.equal((await get(`${t.url}/images/${image.id}/meta`)).status, 404);
    assert.equal((await get(`${t.url}/images/${image.id}`)).status, 404);
    assert.deepEqual(await storedFiles(t), []);
  });
});

describe('the image size limit', () => {
  let t: TestVisor;
  before(async () => {
    t = await startVisor({ limits: { maxImageBytes: 1000 } });
  });
  after(() => t.close());

  it('a PUT over the limit: 413, the image locked again, nothing stored', TEST, async () => {
    const image = await register(t);
    for (const headers of [octet, { ...octet, 'transfer-encoding': 'chunked' }]) {
      const res = await request('PUT', `${t.url}/images/${image.id}`, { headers, body: randomBytes(5000) });
      assert.equal(res.status, 413, res.text);
      assert.equal(res.json().code, 'PayloadTooLarge');
      assert.match(res.json().message, /1000 bytes/);
      assert.equal((await meta(t, image.id)).status, 'locked');
    }
    assert.deepEqual(await tempEntries(t.dataDir), []);
    assert.deepEqual(await storedFiles(t), []);
  });

  it('a POST over the limit: 413 and no record', TEST, async () => {
    const name = `too-big-${Date.now()}`;
    const res = await request('POST', `${t.url}/images`, {
      headers: { ...octet, 'x-image-meta-name': name, 'x-image-meta-architecture': 'x86_64' },
      body: randomBytes(1001),
    });
    assert.equal(res.status, 413, res.text);
    assert.deepEqual(await listNamed(t, name), []);
    assert.deepEqual(await tempEntries(t.dataDir), []);
    assert.deepEqual(await storedFiles(t), []);
  });

  it('a file of exactly the limit is accepted', TEST, async () => {
    const image = await register(t);
    const data = randomBytes(1000);
    const res = await request('PUT', `${t.url}/images/${image.id}`, { headers: octet, body: data });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json().image.size, 1000);
    assert.ok((await get(`${t.url}/images/${image.id}`)).body.equals(data));
  });
});
