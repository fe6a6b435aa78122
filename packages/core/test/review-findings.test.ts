/**
 * What a newcomer's review found the server accepting that it should not,
 * each over real loopback sockets: a body with a transfer coding Node does
 * not decode, and a JSON body with members beside `image`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { get, request } from '@visor/test-support';
import { raw as rawExchange } from './helpers/raw-exchange.js';
import { listFiles, startVisor, X86, type TestVisor } from './helpers/test-visor.js';

/** The whole answer to `bytes`, once the server closes the connection (each request says Connection: close). */
const raw = (port: number, bytes: string) => rawExchange(port, bytes, { then: 'read', waitMs: 3000 });

describe('review findings: what the server must refuse', () => {
  let t: TestVisor;
  let port: number;
  before(async () => {
    t = await startVisor({ plugins: ['tracking'] });
    port = Number(new URL(t.url).port);
  });
  after(() => t.close());

  it('an upload with Transfer-Encoding: gzip, chunked gets 501 NotImplemented naming the coding, and nothing is registered or stored (was 201 with the still-encoded bytes stored)', async () => {
    const answer = await raw(
      port,
      'POST /images HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nx-image-meta-name: gz\r\nx-image-meta-architecture: x86_64\r\n' +
        'Transfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
    );
    assert.match(answer, /^HTTP\/1\.1 501 /);
    assert.match(answer, /\r\nx-error-code: NotImplemented\r\n/i);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { code: string; message: string };
    assert.equal(body.code, 'NotImplemented');
    assert.match(body.message, /transfer coding 'gzip' is not supported/);
    const list = (await get(`${t.url}/images`)).json().images as { name: string }[];
    assert.ok(!list.some((image) => image.name === 'gz'), 'no image registered');
    const stored = await listFiles(t.dataDir);
    assert.ok(!stored.some((file) => file.includes('images/') && !file.endsWith('.sqlite')), `nothing stored: ${stored.join(', ')}`);
  });

  it('plain chunked framing still works: the decoded bytes are stored', async () => {
    const answer = await raw(
      port,
      'POST /images HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nx-image-meta-name: chunked\r\nx-image-meta-architecture: x86_64\r\n' +
        'Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
    );
    assert.match(answer, /^HTTP\/1\.1 201 /);
    const image = (JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { image: { size: number; checksum: string } }).image;
    assert.equal(image.size, 5);
    assert.equal(image.checksum, '5d41402abc4b2a76b9719d911017c592'); // md5('hello')
  });

  it('a JSON body with a member beside image gets 400 naming it, and registers nothing (was 201, the member dropped)', async () => {
    const before = (await get(`${t.url}/images`)).json().images.length as number;
    const extra = await request('POST', `${t.url}/images`, { body: { image: X86, extra: 1 } });
    assert.equal(extra.status, 400);
    assert.equal(extra.json().code, 'InvalidField');
    assert.match(extra.json().message, /unknown member 'extra' beside 'image'/);
    const surrogate = await request('POST', `${t.url}/images`, {
      body: Buffer.from('{"image":{"name":"x","architecture":"x86_64"},"\\ud800":1}'),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(surrogate.status, 400);
    assert.match(surrogate.json().message, /unknown member '\\u\{D800\}' beside 'image'/);
    const update = await request('PUT', `${t.url}/images/${(await request('POST', `${t.url}/images`, { body: { image: X86 } })).json().image.id}`, {
      body: { image: { name: 'renamed' }, name: 'also' },
    });
    assert.equal(update.status, 400);
    assert.equal((await get(`${t.url}/images`)).json().images.length, before + 1);
  });

  it('an XML body is one <image> element: still accepted', async () => {
    const res = await request('POST', `${t.url}/images`, {
      body: Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<image><name>xml</name><architecture>x86_64</architecture></image>'),
      headers: { 'content-type': 'application/xml', accept: 'application/json' },
    });
    assert.equal(res.status, 201);
    assert.equal(res.json().image.name, 'xml');
  });
});
