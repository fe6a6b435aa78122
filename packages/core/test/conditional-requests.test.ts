import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { get, request } from '@visor/test-support';
import { isNotModified } from '../src/http/conditional.js';
import { startVisor, X86, type TestVisor } from './helpers/test-visor.js';
import { waitFor } from './helpers/wait-for.js';

describe('conditional GET and HEAD of /images/:id share one evaluation (issue 7 §3)', () => {
  let t: TestVisor;
  let id: string;
  let etag: string;
  let lastModified: string;
  before(async () => {
    t = await startVisor();
    id = (await request('POST', `${t.url}/images`, { body: { image: X86 } })).json().image.id;
    const uploaded = await request('PUT', `${t.url}/images/${id}`, { headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from('hello world') });
    assert.equal(uploaded.status, 200, uploaded.text);
    const head = await request('HEAD', `${t.url}/images/${id}`);
    etag = String(head.headers.etag);
    lastModified = String(head.headers['last-modified']);
  });
  after(() => t.close());

  const accessCount = async () => (await get(`${t.url}/images/${id}/meta`)).json().image.access_count as number;

  const notModified: Array<[string, Record<string, string>]> = [
    ['If-None-Match with the ETag', { 'if-none-match': '' }],
    ['If-None-Match: *', { 'if-none-match': '*' }],
    ['If-None-Match with a weak form in a list', { 'if-none-match': '"other", W/' }],
    ['If-Modified-Since the Last-Modified date', { 'if-modified-since': '' }],
  ];
  for (const [label, template] of notModified) {
    it(`${label}: GET and HEAD both answer 304, and neither counts as an access`, async () => {
      const headers = { ...template };
      if (headers['if-none-match'] === '') headers['if-none-match'] = etag;
      if (headers['if-none-match']?.endsWith('W/')) headers['if-none-match'] += etag;
      if (headers['if-modified-since'] === '') headers['if-modified-since'] = lastModified;
      const before = await accessCount();
      const viaGet = await request('GET', `${t.url}/images/${id}`, { headers });
      const viaHead = await request('HEAD', `${t.url}/images/${id}`, { headers });
      assert.equal(viaGet.status, 304);
      assert.equal(viaHead.status, 304);
      for (const res of [viaGet, viaHead]) {
        assert.equal(res.headers.etag, etag);
        assert.equal(res.headers['last-modified'], lastModified);
        assert.equal(res.body.length, 0);
      }
      // after* hooks run detached: give a wrongly counted access time to land before checking.
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(await accessCount(), before);
    });
  }

  it('a non-matching ETag or an older date: GET 200 with the file, HEAD 200, each counted once', async () => {
    const before = await accessCount();
    const headers = { 'if-none-match': '"0123"' };
    const viaGet = await request('GET', `${t.url}/images/${id}`, { headers });
    assert.equal(viaGet.status, 200);
    assert.equal(viaGet.text, 'hello world');
    const viaHead = await request('HEAD', `${t.url}/images/${id}`, { headers: { 'if-modified-since': 'Mon, 01 Jan 2001 00:00:00 GMT' } });
    assert.equal(viaHead.status, 200);
    await waitFor("two counted accesses", async () => (await accessCount()) === before + 2);
  });

  it('If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2)', async () => {
    const headers = { 'if-none-match': '"0123"', 'if-modified-since': lastModified };
    assert.equal((await request('GET', `${t.url}/images/${id}`, { headers })).status, 200);
    assert.equal((await request('HEAD', `${t.url}/images/${id}`, { headers })).status, 200);
  });

  it('an image without a file has no representation: HEAD with If-None-Match: * answers 200', async () => {
    const locked = (await request('POST', `${t.url}/images`, { body: { image: X86 } })).json().image.id;
    const res = await request('HEAD', `${t.url}/images/${locked}`, { headers: { 'if-none-match': '*' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.etag, undefined);
  });

  it('ignores an If-Modified-Since that does not parse or lies in the future', () => {
    const current = { etag: '"a"', lastModified: new Date('2026-01-01T00:00:00.700Z') };
    assert.equal(isNotModified({ 'if-modified-since': 'yesterday' }, current), false);
    assert.equal(isNotModified({ 'if-modified-since': 'Thu, 01 Jan 2099 00:00:00 GMT' }, current, Date.parse('2026-06-01')), false);
    assert.equal(isNotModified({ 'if-modified-since': 'Thu, 01 Jan 2026 00:00:00 GMT' }, current, Date.parse('2026-06-01')), true, 'compared to the second');
    assert.equal(isNotModified({ 'if-none-match': '*' }, null), false);
  });
});
