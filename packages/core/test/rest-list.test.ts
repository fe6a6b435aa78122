import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { get, request } from '@visor/test-support';
import { startVisor, type TestVisor } from './helpers/test-visor.js';

describe('REST: listing, filtering, sorting and paging', () => {
  let t: TestVisor;
  const ids: string[] = [];
  before(async () => {
    t = await startVisor();
    const specs = [
      { name: 'alpha', architecture: 'x86_64', distro: 'debian', release: 12 },
      { name: 'bravo', architecture: 'aarch64', distro: 'debian', release: 11 },
      { name: 'charlie', architecture: 'x86_64', distro: 'fedora', format: 'qcow2' },
      { name: 'delta', architecture: 'x86_64', access: 'public' },
      { name: 'echo', architecture: 'riscv64', distro: 'debian' },
    ];
    for (const image of specs) ids.push((await request('POST', `${t.url}/images`, { body: { image } })).json().image.id);
  });
  after(() => t.close());

  it('lists brief fields by default and every field in /images/detail', async () => {
    const brief = (await get(`${t.url}/images`)).json().images;
    assert.equal(brief.length, 5);
    assert.deepEqual(Object.keys(brief[0]).sort(), ['access', 'architecture', 'format', 'id', 'name', 'size', 'status', 'store', 'type']);
    const detail = (await get(`${t.url}/images/detail`)).json().images;
    assert.equal(detail[0].uri, `${t.url}/images/${detail[0].id}`);
    assert.equal(detail[0].distro, 'debian');
    assert.ok('created_at' in detail[0]);
  });

  it('filters on base fields and custom properties together', async () => {
    const res = (await get(`${t.url}/images?architecture=x86_64&distro=debian`)).json().images;
    assert.deepEqual(res.map((i: { name: string }) => i.name), ['alpha']);
    const numeric = (await get(`${t.url}/images/detail?release=11`)).json().images;
    assert.deepEqual(numeric.map((i: { name: string }) => i.name), ['bravo']);
    const publicOnes = (await get(`${t.url}/images?access=public`)).json().images;
    assert.deepEqual(publicOnes.map((i: { name: string }) => i.name), ['delta']);
  });

  it('returns 200 with an empty list when nothing matches', async () => {
    const res = await get(`${t.url}/images?distro=arch`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), { images: [] });
  });

  it('sorts by any base field in either direction', async () => {
    const desc = (await get(`${t.url}/images?sort=name&dir=desc`)).json().images.map((i: { name: string }) => i.name);
    assert.deepEqual(desc, ['echo', 'delta', 'charlie', 'bravo', 'alpha']);
    const byFormat = (await get(`${t.url}/images?sort=format`)).json().images.map((i: { name: string }) => i.name);
    assert.equal(byFormat[0], 'charlie', 'nulls sort last');
  });

  it('refuses an unknown sort field, a bad dir and a limit out of range, naming the parameter', async () => {
    const sort = await get(`${t.url}/images?sort=colour`);
    assert.equal(sort.status, 400);
    assert.equal(sort.json().field, 'sort');
    assert.equal((await get(`${t.url}/images?dir=up`)).json().field, 'dir');
    for (const limit of ['0', '1001', 'ten', '-1']) {
      const res = await get(`${t.url}/images?limit=${limit}`);
      assert.equal(res.status, 400, limit);
      assert.equal(res.json().field, 'limit');
    }
    assert.equal((await get(`${t.url}/images?marker=not-an-id`)).json().field, 'marker');
    assert.equal((await get(`${t.url}/images?BadName=1`)).status, 400);
  });

  it('pages with limit and marker, following next links to the end without overlap', async () => {
    const seen: string[] = [];
    let url: string | undefined = `${t.url}/images?sort=name&limit=2`;
    let pages = 0;
    while (url) {
      const res = await get(url);
      assert.equal(res.status, 200);
      const body = res.json();
      seen.push(...body.images.map((i: { name: string }) => i.name));
      if (body.next) assert.equal(res.headers.link, `<${body.next}>; rel="next"`);
      url = body.next;
      pages += 1;
    }
    assert.equal(pages, 3);
    assert.deepEqual(seen, ['alpha', 'bravo', 'charlie', 'delta', 'echo']);
    const filtered = (await get(`${t.url}/images?distro=debian&limit=1&sort=name&dir=desc`)).json();
    assert.equal(filtered.images[0].name, 'echo');
    assert.match(filtered.next, /distro=debian/);
    const second = (await get(filtered.next)).json();
    assert.equal(second.images[0].name, 'bravo');
  });

  it('pages correctly on ties (same sort value) using the id', async () => {
    const names = (await get(`${t.url}/images?sort=architecture&limit=1`)).json();
    const all: string[] = [names.images[0].id];
    let next = names.next;
    while (next) {
      const page = (await get(next)).json();
      all.push(...page.images.map((i: { id: string }) => i.id));
      next = page.next;
    }
    assert.equal(all.length, 5);
    assert.equal(new Set(all).size, 5);
  });
});

describe('REST: content negotiation', () => {
  let t: TestVisor;
  before(async () => {
    t = await startVisor();
  });
  after(() => t.close());

  it('answers XML when asked, for images, lists and errors', async () => {
    const created = await request('POST', `${t.url}/images`, {
      headers: { 'content-type': 'application/xml', accept: 'application/xml' },
      body: '<?xml version="1.0"?><image><name>Debian &amp; friends</name><architecture>x86_64</architecture><cores type="number">4</cores></image>',
    });
    assert.equal(created.status, 201);
    assert.match(created.headers['content-type'] as string, /^application\/xml/);
    assert.match(created.text, /<name>Debian &amp; friends<\/name>/);
    assert.match(created.text, /<cores type="number">4<\/cores>/);
    const list = await get(`${t.url}/images`, { accept: 'text/xml' });
    assert.match(list.headers['content-type'] as string, /^text\/xml/);
    assert.match(list.text, /<images><image>/);
    const error = await get(`${t.url}/images?sort=bad`, { accept: 'application/xml' });
    assert.equal(error.status, 400);
    assert.match(error.text, /<error><code>InvalidField<\/code><message>[^<]*sort/);
  });

  it('prefers by quality and defaults to JSON', async () => {
    const res = await get(`${t.url}/images`, { accept: 'application/xml;q=0.5, application/json' });
    assert.match(res.headers['content-type'] as string, /^application\/json/);
    const any = await get(`${t.url}/images`, { accept: '*/*' });
    assert.match(any.headers['content-type'] as string, /^application\/json/);
    const none = await get(`${t.url}/images`);
    assert.match(none.headers['content-type'] as string, /^application\/json/);
  });

  it('answers 406 when nothing in Accept can be produced', async () => {
    const res = await get(`${t.url}/images`, { accept: 'text/csv' });
    assert.equal(res.status, 406);
    assert.equal(res.json().code, 'NotAcceptable');
    assert.match(res.json().message, /text\/csv/);
  });

  it('refuses XML with a DOCTYPE (entity expansion)', async () => {
    const res = await request('POST', `${t.url}/images`, {
      headers: { 'content-type': 'application/xml' },
      body: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><image><name>&a;</name><architecture>x86_64</architecture></image>',
    });
    assert.equal(res.status, 400);
  });
});
