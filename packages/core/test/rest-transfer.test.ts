import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { get, request } from '@visor/test-support';
import { listFiles, startVisor, X86, type TestVisor } from './helpers/test-visor.js';

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const octet = { 'content-type': 'application/octet-stream' };

describe('REST: uploading and downloading image files', () => {
  let t: TestVisor;
  before(async () => {
    t = await startVisor();
  });
  after(() => t.close());

  const register = async (extra: Record<string, unknown> = {}) =>
    (await request('POST', `${t.url}/images`, { body: { image: { ...X86, ...extra } } })).json().image;

  it('uploads with PUT: available, size and digests computed, file stored', async () => {
    const image = await register();
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const res = await request('PUT', `${t.url}/images/${image.id}`, { headers: octet, body: data });
    assert.equal(res.status, 200);
    const stored = res.json().image;
    assert.equal(stored.status, 'available');
    assert.equal(stored.size, data.length);
    assert.equal(stored.checksum, md5(data));
    assert.equal(stored.sha256, sha256(data));
    assert.ok(stored.uploaded_at);
    assert.match(stored.location, /^file:\/\//);
    assert.deepEqual(await readFile(fileURLToPath(stored.location)), data);
  });

  it('registers and uploads in one POST with metadata in x-image-meta-* headers', async () => {
    const data = randomBytes(100_000);
    const res = await request('POST', `${t.url}/images`, {
      headers: {
        ...octet,
        'x-image-meta-name': encodeURIComponent('Fedora 41 ☁'),
        'x-image-meta-architecture': 'x86_64',
        'x-image-meta-format': 'raw',
        'x-image-meta-build-id': '42',
        'x-image-meta-sha256': sha256(data),
        'content-md5': createHash('md5').update(data).digest('base64'),
      },
      body: data,
    });
    assert.equal(res.status, 201);
    const image = res.json().image;
    assert.equal(image.name, 'Fedora 41 ☁');
    assert.equal(image.build_id, '42');
    assert.equal(image.status, 'available');
    assert.equal(image.size, data.length);
    assert.equal(res.headers.location, `${t.url}/images/${image.id}`);
  });

  it('downloads with Content-Length, ETag, Accept-Ranges, Content-MD5 and metadata headers', async () => {
    const image = await register({ distro: 'debian' });
    const data = randomBytes(2 * 1024 * 1024);
    await request('PUT', `${t.url}/images/${image.id}`, { headers: octet, body: data });
    const res = await get(`${t.url}/images/${image.id}`);
    assert.equal(res.status, 200);
    assert.ok(res.body.equals(data));
    assert.equal(res.headers['content-length'], String(data.length));
    assert.equal(res.headers['content-type'], 'application/octet-stream');
    assert.equal(res.headers['accept-ranges'], 'bytes');
    assert.equal(res.headers.etag, `"${md5(data)}"`);
    assert.equal(res.headers['content-md5'], createHash('md5').update(data).digest('base64'));
    assert.equal(res.headers['x-image-meta-distro'], 'debian');
    assert.equal(res.headers['x-image-meta-size'], String(data.length));
  });

  it('serves single byte ranges with 206, and 416 for unsatisfiable ones', async () => {
    const image = await register();
    const data = randomBytes(10_000);
    await request('PUT', `${t.url}/images/${image.id}`, { headers: octet, body: data });
    const url = `${t.url}/images/${image.id}`;
    const cases: Array<[string, number, number]> = [['bytes=0-0', 0, 0], ['bytes=100-199', 100, 199], ['bytes=9990-', 9990, 9999], ['bytes=-10', 9990, 9999], ['bytes=9000-20000', 9000, 9999]];
    for (const [range, start, end] of cases) {
      const res = await get(url, { range });
      assert.equal(res.status, 206, range);
      assert.equal(res.headers['content-range'], `bytes ${start}-${end}/10000`, range);
      assert.equal(res.headers['content-length'], String(end - start + 1), range);
      assert.ok(res.body.equals(data.subarray(start, end + 1)), range);
    }
    const unsatisfiable = await get(url, { range: 'bytes=10000-' });
    assert.equal(unsatisfiable.status, 416);
    assert.equal(unsatisfiable.headers['content-range'], 'bytes */10000');
    assert.equal(unsatisfiable.json().code, 'RequestedRangeNotSatisfiable');
    const multi = await get(url, { range: 'bytes=0-1,5-6' });
    assert.equal(multi.status, 200, 'several ranges: the whole file');
    assert.equal(multi.body.length, 10_000);
    const staleIfRange = await get(url, { range: 'bytes=0-9', 'if-range': '"other"' });
    assert.equal(staleIfRange.status, 200, 'If-Range with another ETag: the whole file');
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const image = await register();
    const data = randomBytes(1000);
    await request('PUT', `${t.url}/images/${image.id}`, { headers: octet, body: data });
    const res = await get(`${t.url}/images/${image.id}`, { 'if-none-match': `"${md5(data)}"` });
    assert.equal(res.status, 304);
    assert.equal(res.body.length, 0);
    assert.equal(res.headers.etag, `"${md5(data)}"`);
    assert.equal((await get(`${t.url}/images/${image.id}`, { 'if-none-match': '"nope"' })).status, 200);
  });

  it('answers 409 naming the status for an image without a file, and for a second upload', async () => {
    const image = await register();
    const res = await get(`${t.url}/images/${image.id}`);
    assert.equal(res.status, 409);
    assert.match(res.json().message, /status is 'locked'/);
    await request('PUT', `${t.url}/images/${image.id}`, { headers: octet, body: Buffer.from('first') });
    const again = await request('PUT', `${t.url}/images/${image.id}`, { headers: octet, body: Buffer.from('second') });
    assert.equal(again.status, 409);
    assert.match(again.json().message, /available/);
    const file = await get(`${t.url}/images/${image.id}`);
    assert.equal(file.text, 'first');
  });

  it('refuses a checksum, Content-MD5, SHA-256 or size mismatch with 400 and stores nothing', async () => {
    const data = randomBytes(50_000);
    const before = await listFiles(t.dataDir);
    const wrong: Array<Record<string, string>> = [
      { 'x-image-meta-checksum': md5(Buffer.from('other')) },
      { 'content-md5': createHash('md5').update('other').digest('base64') },
      { 'x-image-meta-sha256': sha256(Buffer.from('other')) },
    ];
    for (const headers of wrong) {
      const image = await register();
      const res = await request('PUT', `${t.url}/images/${image.id}`, { headers: { ...octet, ...headers }, body: data });
      assert.equal(res.status, 400, JSON.stringify(headers));
      assert.equal(res.json().code, 'BadDigest');
      const meta = (await get(`${t.url}/images/${image.id}/meta`)).json().image;
      assert.equal(meta.status, 'locked', 'a failed PUT returns the image to its former status');
      assert.equal(meta.size, null);
    }
    const sizeMismatch = await request('POST', `${t.url}/images`, {
      headers: { ...octet, 'x-image-meta-name': 'x', 'x-image-meta-architecture': 'x86_64', 'x-image-meta-size': String(data.length + 1), 'transfer-encoding': 'chunked' },
      body: data,
    });
    assert.equal(sizeMismatch.status, 400);
    assert.equal(sizeMismatch.json().field, 'size');
    const list = (await get(`${t.url}/images?name=x`)).json().images;
    assert.equal(list.length, 0, 'a failed POST leaves no record');
    const afterFiles = (await listFiles(t.dataDir)).filter((f) => !f.startsWith('visor.sqlite'));
    assert.deepEqual(afterFiles, before.filter((f) => !f.startsWith('visor.sqlite')), 'no file left behind');
  });

  it('computes MD5 in the worker thread for large and unsized uploads, verifying declared digests', async () => {
    const data = randomBytes(9 * 1024 * 1024 + 5);
    const sized = await register();
    const ok = await request('PUT', `${t.url}/images/${sized.id}`, { headers: { ...octet, 'x-image-meta-checksum': md5(data) }, body: data });
    assert.equal(ok.status, 200);
    assert.equal(ok.json().image.checksum, md5(data));
    const chunked = await register();
    const streamed = await request('PUT', `${t.url}/images/${chunked.id}`, { headers: { ...octet, 'transfer-encoding': 'chunked' }, body: Readable.from([data.subarray(0, 1000), data.subarray(1000)]) });
    assert.equal(streamed.status, 200);
    assert.equal(streamed.json().image.checksum, md5(data));
    assert.equal(streamed.json().image.sha256, sha256(data));
    const wrong = await register();
    const refused = await request('PUT', `${t.url}/images/${wrong.id}`, { headers: { ...octet, 'x-image-meta-checksum': md5(Buffer.from('x')) }, body: data });
    assert.equal(refused.status, 400);
    assert.equal(refused.json().code, 'BadDigest');
    assert.equal((await get(`${t.url}/images/${wrong.id}/meta`)).json().image.status, 'locked');
  });

  it('a client still streaming a refused upload reads the refusal instead of a reset', async () => {
    const image = await register();
    await request('PUT', `${t.url}/images/${image.id}`, { headers: octet, body: Buffer.from('first') });
    const chunks = Array.from({ length: 40 }, () => randomBytes(256 * 1024));
    const refused = await request('PUT', `${t.url}/images/${image.id}`, { headers: { ...octet, 'transfer-encoding': 'chunked' }, body: Readable.from(chunks) });
    assert.equal(refused.status, 409);
    assert.equal(refused.json().code, 'Conflict');
    const other = await register();
    const overrun = await request('PUT', `${t.url}/images/${other.id}`, {
      headers: { ...octet, 'transfer-encoding': 'chunked', 'x-image-meta-size': '1000' },
      body: Readable.from(chunks),
    });
    assert.equal(overrun.status, 400);
    assert.equal(overrun.json().field, 'size');
    assert.equal((await get(`${t.url}/images/${other.id}/meta`)).json().image.status, 'locked');
  });

  it('refuses metadata headers other than digests on a PUT upload', async () => {
    const image = await register();
    const res = await request('PUT', `${t.url}/images/${image.id}`, { headers: { ...octet, 'x-image-meta-name': 'new' }, body: Buffer.from('x') });
    assert.equal(res.status, 400);
    assert.match(res.json().message, /name/);
  });

  it('uploads an empty file', async () => {
    const image = await register();
    const res = await request('PUT', `${t.url}/images/${image.id}`, { headers: octet, body: Buffer.alloc(0) });
    assert.equal(res.status, 200);
    assert.equal(res.json().image.size, 0);
    assert.equal(res.json().image.checksum, md5(Buffer.alloc(0)));
    const file = await get(`${t.url}/images/${image.id}`);
    assert.equal(file.status, 200);
    assert.equal(file.body.length, 0);
  });

  it('deletes file and record, returning the record as it was', async () => {
    const image = await register();
    const stored = (await request('PUT', `${t.url}/images/${image.id}`, { headers: octet, body: Buffer.from('bytes') })).json().image;
    const res = await request('DELETE', `${t.url}/images/${image.id}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.json().image, stored);
    assert.equal((await get(`${t.url}/images/${image.id}/meta`)).status, 404);
    await assert.rejects(readFile(fileURLToPath(stored.location)), { code: 'ENOENT' });
  });

  it('refuses to delete a kernel an image still uses', async () => {
    const kernel = await register({ type: 'kernel' });
    const machine = await register({ kernel: kernel.id });
    const res = await request('DELETE', `${t.url}/images/${kernel.id}`);
    assert.equal(res.status, 409);
    assert.match(res.json().message, new RegExp(machine.id));
  });

  it('counts completed downloads and HEADs in access_count and accessed_at', async () => {
    const image = await register();
    await request('PUT', `${t.url}/images/${image.id}`, { headers: octet, body: Buffer.from('count me') });
    await get(`${t.url}/images/${image.id}`);
    await request('HEAD', `${t.url}/images/${image.id}`);
    await get(`${t.url}/images/${image.id}/meta`);
    let meta: { access_count: number; accessed_at: string | null } = { access_count: 0, accessed_at: null };
    for (let i = 0; i < 50 && meta.access_count < 2; i++) {
      await new Promise((r) => setTimeout(r, 10));
      meta = (await get(`${t.url}/images/${image.id}/meta`)).json().image;
    }
    assert.equal(meta.access_count, 2);
    assert.ok(meta.accessed_at);
  });

  it('keeps the store directory free of temp files after all of the above', async () => {
    const files = await listFiles(join(t.dataDir, 'images'));
    assert.deepEqual(files.filter((f) => f.startsWith('.tmp/')), []);
  });
});
