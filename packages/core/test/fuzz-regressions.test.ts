/**
 * Plain tests made from what the HTTP fuzzer (packages/fuzz) found, each
 * with the shrunk input it reported, sent over real loopback sockets.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { get, request } from '@visor/test-support';
import { logRecords } from './helpers/plugin-kit.js';
import { listFiles, startVisor, X86, type TestVisor } from './helpers/test-visor.js';
import { waitFor } from './helpers/wait-for.js';
import { raw } from './helpers/raw-exchange.js';

const errorsLogged = (t: TestVisor) => logRecords(t.logs).filter((record) => record.level === 'error');

describe('fuzzer findings, as plain regression tests', () => {
  let t: TestVisor;
  let port: number;
  before(async () => {
    t = await startVisor({ plugins: ['tracking'] });
    port = Number(new URL(t.url).port);
  });
  after(() => t.close());

  it('an Expect other than 100-continue is ignored and the request served (was a bare 417 from Node, without x-error-code or body)', async () => {
    // Shrunk: GET /images/ with `Expect: ` (empty) and a body.
    const answer = await raw(port, 'GET /images/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: \r\nContent-Length: 12\r\nConnection: close\r\n\r\n{"image":{}}', { then: 'read' });
    assert.match(answer, /^HTTP\/1\.1 200 /);
    assert.match(answer, /\{"images":\[/);
    const odd = await request('GET', `${t.url}/images`, { headers: { expect: 'something-else' } });
    assert.equal(odd.status, 200);
  });

  it('a request Node cannot parse gets 400 with x-error-code and a JSON body naming the cause (was headers only)', async () => {
    const answer = await raw(port, 'GET /images/\xff HTTP/1.1\r\nHost: x\r\n\r\n', { then: 'read' });
    assert.match(answer, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.match(answer, /\r\nx-error-code: BadRequest\r\n/);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { code: string; message: string };
    assert.equal(body.code, 'BadRequest');
    assert.match(body.message, /malformed HTTP request \(HPE_INVALID_URL/);
    const huge = await raw(port, `GET /images HTTP/1.1\r\nHost: x\r\nx-big: ${'x'.repeat(20_000)}\r\n\r\n`, { then: 'read' });
    assert.match(huge, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    assert.match(huge, /"code":"RequestHeaderFieldsTooLarge"/);
  });

  it('a client leaving in the middle of a metadata body is no unexpected server error (was logged as 500 "request failed unexpectedly", ECONNRESET)', async () => {
    const before = errorsLogged(t).length;
    await raw(port, 'POST /images HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: 1000\r\n\r\n<image><name>x</name>', { then: 'destroy' });
    await raw(port, 'PUT /images/00000000-0000-4000-8000-000000000000 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"image"', { then: 'end' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(errorsLogged(t).slice(before), []);
    assert.equal((await get(`${t.url}/images`)).status, 200);
  });

  it('a HEAD whose client half-closes before the answer logs no InternalError (was "route HEAD /images/:id ended without answering")', async () => {
    const image = (await request('POST', `${t.url}/images`, { body: { image: X86 } })).json().image;
    const before = errorsLogged(t).length;
    // Shrunk framing: Content-Length larger than what is sent, then the client half-closes.
    for (let i = 0; i < 20; i++) {
      await raw(port, `HEAD /images/${image.id} HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 14\r\n\r\nabcdefg`, { then: 'end', waitMs: 300 });
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(errorsLogged(t).slice(before), []);
  });

  for (const [label, head] of [
    ['POST /images', 'POST /images HTTP/1.1\r\nx-image-meta-name: a\r\nx-image-meta-architecture: x86_64\r\n'],
    ['PUT /images/:id', 'PUT /images/{id} HTTP/1.1\r\n'],
  ] as const) {
    it(`${label}: an upload whose Content-Length is shorter than what follows is rolled back, not left 'uploading' with a .part file`, async () => {
      // Shrunk: 1000 bytes sent, Content-Length 994; the 6 extra bytes are a malformed next request, on which
      // Node destroys the connection, and with it the upload's body it had read but nobody consumed yet.
      const id = (await request('POST', `${t.url}/images`, { body: { image: X86 } })).json().image.id as string;
      const start = head.replace('{id}', id);
      await raw(port, Buffer.concat([Buffer.from(`${start}Host: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 994\r\nConnection: close\r\n\r\n`), Buffer.alloc(1000, 1)]), { then: 'read' });
      await waitFor('no upload running', async () => (await get(`${t.url}/images/detail?status=uploading`)).json().images.length === 0, 5000);
      await waitFor('no partial file', async () => !(await listFiles(t.dataDir)).some((file) => file.endsWith('.part')), 5000);
      const image = (await get(`${t.url}/images/${id}/meta`)).json().image;
      assert.ok(['locked', 'available'].includes(image.status), image.status);
    });
  }
});
