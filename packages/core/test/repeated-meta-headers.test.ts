import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { get } from '@visor/test-support';
import { startVisor, type TestVisor } from './helpers/test-visor.js';

/** A POST /images with a body, whose headers may repeat (array values are sent as separate header lines). */
function post(url: string, headers: Record<string, string | string[]>): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/images`, { method: 'POST', agent: false });
    for (const [name, value] of Object.entries(headers)) req.setHeader(name, value);
    req.setHeader('content-type', 'application/octet-stream');
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(Buffer.from('image bytes'));
  });
}

describe('a metadata field sent twice as headers is refused', () => {
  let t: TestVisor;
  before(async () => {
    t = await startVisor();
  });
  after(() => t.close());

  it('a repeated x-image-meta-name: 400 naming the header, nothing registered', async () => {
    const res = await post(t.url, { 'x-image-meta-name': ['a', 'b'], 'x-image-meta-architecture': 'x86_64' });
    assert.equal(res.status, 400);
    assert.equal(res.json.code, 'InvalidField');
    assert.equal(res.json.field, 'name');
    assert.equal(res.json.message, "header 'x-image-meta-name' is sent more than once: send each metadata field once");
    assert.deepEqual((await get(`${t.url}/images`)).json().images, []);
  });

  it('two spellings of one field: 400 naming both', async () => {
    const res = await post(t.url, { 'x-image-meta-name': 'a', 'x-image-meta-architecture': 'x86_64', 'x-image-meta-os-version': '12', 'x-image-meta-os_version': '13' });
    assert.equal(res.status, 400);
    assert.equal(res.json.message, "headers 'x-image-meta-os-version' and 'x-image-meta-os_version' both set 'os_version': send each metadata field once");
  });

  it('each field once: registered', async () => {
    const res = await post(t.url, { 'x-image-meta-name': 'a%2C%20b', 'x-image-meta-architecture': 'x86_64' });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    assert.equal((res.json.image as { name: string }).name, 'a, b');
  });
});
