import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request, get } from '@visor/test-support';
import { startVisor, X86, type TestVisor } from './helpers/test-visor.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('REST: registering and reading metadata', () => {
  let t: TestVisor;
  before(async () => {
    t = await startVisor();
  });
  after(() => t.close());

  it('registers from a JSON body: 201, Location, locked, server-set fields', async () => {
    const res = await request('POST', `${t.url}/images`, { body: { image: { ...X86, format: 'qcow2', distro: 'debian', cores: 4, secure: true } } });
    assert.equal(res.status, 201);
    const image = res.json().image;
    assert.match(image.id, UUID);
    assert.equal(res.headers.location, `${t.url}/images/${image.id}`);
    assert.equal(image.uri, `${t.url}/images/${image.id}`);
    assert.equal(image.status, 'locked');
    assert.equal(image.access, 'private');
    assert.equal(image.type, 'machine');
    assert.equal(image.store, 'default');
    assert.equal(image.size, null);
    assert.equal(image.access_count, 0);
    assert.equal(image.distro, 'debian');
    assert.equal(image.cores, 4);
    assert.equal(image.secure, true);
    assert.ok(!Number.isNaN(Date.parse(image.created_at)) && image.created_at.endsWith('Z'));
  });

  it('GET /images/:id/meta returns every field; HEAD returns them as percent-encoded headers', async () => {
    const created = (await request('POST', `${t.url}/images`, { body: { image: { name: 'Ubuntu 24.04 – minimal', architecture: 'aarch64', note: 'a b/c' } } })).json().image;
    const meta = await get(`${t.url}/images/${created.id}/meta`);
    assert.equal(meta.status, 200);
    assert.deepEqual(meta.json().image, created);
    const head = await request('HEAD', `${t.url}/images/${created.id}`);
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    assert.equal(decodeURIComponent(head.headers['x-image-meta-name'] as string), 'Ubuntu 24.04 – minimal');
    assert.equal(head.headers['x-image-meta-architecture'], 'aarch64');
    assert.equal(head.headers['x-image-meta-note'], 'a%20b%2Fc');
    assert.equal(head.headers['x-image-meta-id'], created.id);
    assert.equal(head.headers['x-image-meta-format'], undefined, 'null fields are left out');
  });

  it('refuses server-managed fields, naming them', async () => {
    const res = await request('POST', `${t.url}/images`, { body: { image: { ...X86, id: 'x', size: 5, status: 'available' } } });
    assert.equal(res.status, 400);
    const error = res.json();
    assert.equal(error.code, 'ReadOnlyField');
    for (const field of ['id', 'size', 'status']) assert.match(error.message, new RegExp(`'${field}'`));
  });

  it('refuses unknown enum values, naming the field and the allowed values', async () => {
    const res = await request('POST', `${t.url}/images`, { body: { image: { name: 'x', architecture: 'sparc' } } });
    assert.equal(res.status, 400);
    const error = res.json();
    assert.equal(error.code, 'InvalidField');
    assert.equal(error.field, 'architecture');
    assert.match(error.message, /x86_64/);
    assert.ok(error.allowed.includes('riscv64'));
    const format = await request('POST', `${t.url}/images`, { body: { image: { ...X86, format: 'zip' } } });
    assert.equal(format.json().field, 'format');
  });

  it('requires name and architecture, and checks name length and property names and values', async () => {
    assert.equal((await request('POST', `${t.url}/images`, { body: { image: { architecture: 'x86_64' } } })).json().field, 'name');
    assert.equal((await request('POST', `${t.url}/images`, { body: { image: { name: 'x' } } })).json().field, 'architecture');
    assert.equal((await request('POST', `${t.url}/images`, { body: { image: { ...X86, name: 'n'.repeat(256) } } })).json().field, 'name');
    const badProp = await request('POST', `${t.url}/images`, { body: { image: { ...X86, 'Bad-Name': 1 } } });
    assert.equal(badProp.status, 400);
    assert.equal(badProp.json().field, 'Bad-Name');
    const badValue = await request('POST', `${t.url}/images`, { body: { image: { ...X86, tags: ['a'] } } });
    assert.equal(badValue.json().field, 'tags');
  });

  it('refuses an unknown store, a kernel that is not a kernel image, and a body without image', async () => {
    const store = await request('POST', `${t.url}/images`, { body: { image: { ...X86, store: 'nowhere' } } });
    assert.equal(store.status, 400);
    assert.equal(store.json().field, 'store');
    const machine = (await request('POST', `${t.url}/images`, { body: { image: X86 } })).json().image;
    const kernel = await request('POST', `${t.url}/images`, { body: { image: { ...X86, kernel: machine.id } } });
    assert.equal(kernel.json().field, 'kernel');
    const aki = (await request('POST', `${t.url}/images`, { body: { image: { ...X86, type: 'kernel' } } })).json().image;
    const ok = await request('POST', `${t.url}/images`, { body: { image: { ...X86, kernel: aki.id } } });
    assert.equal(ok.status, 201);
    assert.equal(ok.json().image.kernel, aki.id);
    const noImage = await request('POST', `${t.url}/images`, { body: { name: 'x' } });
    assert.equal(noImage.json().field, 'image');
  });

  it('answers 400 for malformed JSON and 415 for a body type nobody reads', async () => {
    const bad = await request('POST', `${t.url}/images`, { body: '{"image":', headers: { 'content-type': 'application/json' } });
    assert.equal(bad.status, 400);
    assert.match(bad.json().message, /JSON/);
    const yaml = await request('POST', `${t.url}/images`, { body: 'image: {}', headers: { 'content-type': 'application/yaml' } });
    assert.equal(yaml.status, 415);
    assert.match(yaml.json().message, /application\/yaml/);
  });

  it('updates metadata; null removes a property; server fields stay read-only', async () => {
    const created = (await request('POST', `${t.url}/images`, { body: { image: { ...X86, distro: 'debian', flavour: 'x' } } })).json().image;
    const res = await request('PUT', `${t.url}/images/${created.id}`, { body: { image: { name: 'Renamed', access: 'public', flavour: null, release: 12 } } });
    assert.equal(res.status, 200);
    const image = res.json().image;
    assert.equal(image.name, 'Renamed');
    assert.equal(image.access, 'public');
    assert.equal(image.release, 12);
    assert.equal(image.distro, 'debian');
    assert.equal('flavour' in image, false);
    assert.ok(image.updated_at >= created.updated_at);
    const readOnly = await request('PUT', `${t.url}/images/${created.id}`, { body: { image: { checksum: 'abc' } } });
    assert.equal(readOnly.status, 400);
    assert.match(readOnly.json().message, /'checksum'/);
    const empty = await request('PUT', `${t.url}/images/${created.id}`, { body: { image: {} } });
    assert.equal(empty.status, 400);
  });

  it('answers 404 for unknown and malformed ids on every image route', async () => {
    const missing = '0b7a0e36-1f7e-4d8e-9d51-7f2a7b2f9c11';
    for (const [method, path] of [
      ['GET', `/images/${missing}/meta`], ['GET', `/images/${missing}`], ['DELETE', `/images/${missing}`], ['GET', '/images/../etc/passwd/meta'],
    ] as const) {
      const res = await request(method, `${t.url}${path}`);
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal(res.json().code, 'NotFound');
    }
    const head = await request('HEAD', `${t.url}/images/${missing}`);
    assert.equal(head.status, 404);
    assert.equal(head.headers['x-error-code'], 'NotFound');
    assert.match(head.headers['x-error-message'] as string, /not found/);
    const put = await request('PUT', `${t.url}/images/${missing}`, { body: { image: { name: 'x' } } });
    assert.equal(put.status, 404);
  });

  it('answers unknown routes and methods in the negotiated format', async () => {
    const res = await get(`${t.url}/nothing-here`);
    assert.equal(res.status, 404);
    assert.equal(res.json().code, 'NotFound');
    const xml = await get(`${t.url}/nothing-here`, { accept: 'application/xml' });
    assert.equal(xml.status, 404);
    assert.match(xml.text, /<error><code>NotFound<\/code>/);
    const method = await request('PATCH', `${t.url}/images`);
    assert.equal(method.status, 405);
    assert.equal(method.json().code, 'MethodNotAllowed');
  });

  it('GET /status reports version, database and backends', async () => {
    const res = await get(`${t.url}/status`);
    assert.equal(res.status, 200);
    const status = res.json().status;
    assert.equal(status.status, 'ok');
    assert.match(status.version, /^\d+\.\d+\.\d+/);
    assert.deepEqual(status.database, { client: 'sqlite3', ok: true });
    assert.equal(status.backends.length, 1);
    assert.equal(status.backends[0].name, 'default');
    assert.equal(status.backends[0].type, 'fs');
    assert.equal(status.backends[0].ok, true);
    assert.equal(status.backends[0].default, true);
  });
});
