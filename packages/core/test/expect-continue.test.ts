import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { get, request } from '@visor/test-support';
import { startVisor, X86, type TestVisor } from './helpers/test-visor.js';

/** A raw HTTP/1.1 connection: what the server sends is collected as text, so interim responses show. */
async function connect(url: string) {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  await once(socket, 'connect');
  let received = '';
  let ended = false;
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.on('end', () => (ended = true));
  const waitFor = async (what: string, check: () => boolean, timeoutMs = 3000) => {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms; received:\n${received}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  return { socket, received: () => received, ended: () => ended, waitFor };
}

describe('Expect: 100-continue', () => {
  let t: TestVisor;
  before(async () => {
    t = await startVisor();
  });
  after(() => t.close());

  it('a refused upload is answered at once, without 100 Continue, and the connection closes: the body need never be sent', async () => {
    const conn = await connect(t.url);
    conn.socket.write(
      'PUT /images/00000000-0000-4000-8000-000000000000 HTTP/1.1\r\nhost: x\r\ncontent-type: application/octet-stream\r\n' +
        'content-length: 1000000000\r\nexpect: 100-continue\r\n\r\n',
    );
    await conn.waitFor('final answer', () => conn.received().includes('\r\n\r\n') && conn.ended());
    assert.match(conn.received(), /^HTTP\/1\.1 404 /);
    assert.doesNotMatch(conn.received(), /100 Continue/);
    assert.match(conn.received(), /\r\nconnection: close\r\n/i);
    assert.match(conn.received(), /"code":"NotFound"/);
  });

  it('an accepted upload gets 100 Continue before its body is read, then stores it', async () => {
    const image = (await request('POST', `${t.url}/images`, { body: { image: X86 } })).json().image;
    const data = randomBytes(300_000);
    const conn = await connect(t.url);
    conn.socket.write(
      `PUT /images/${image.id} HTTP/1.1\r\nhost: x\r\ncontent-type: application/octet-stream\r\n` +
        `content-length: ${data.length}\r\nexpect: 100-continue\r\n\r\n`,
    );
    await conn.waitFor('100 Continue', () => conn.received().includes('\r\n\r\n'));
    assert.match(conn.received(), /^HTTP\/1\.1 100 Continue\r\n\r\n$/);
    conn.socket.write(data);
    await conn.waitFor('final answer', () => /HTTP\/1\.1 200 [^]*"status":"available"/.test(conn.received()));
    conn.socket.destroy();
    const stored = (await get(`${t.url}/images/${image.id}/meta`)).json().image;
    assert.equal(stored.checksum, createHash('md5').update(data).digest('hex'));
  });

  it('a metadata body is asked for the same way', async () => {
    const body = JSON.stringify({ image: X86 });
    const conn = await connect(t.url);
    conn.socket.write(`POST /images HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nexpect: 100-continue\r\n\r\n`);
    await conn.waitFor('100 Continue', () => conn.received().includes('\r\n\r\n'));
    assert.match(conn.received(), /^HTTP\/1\.1 100 Continue\r\n\r\n$/);
    conn.socket.write(body);
    await conn.waitFor('final answer', () => /HTTP\/1\.1 201 /.test(conn.received()));
    conn.socket.destroy();
  });
});

describe('an upload larger than the store has room for', () => {
  let t: TestVisor;
  before(async () => {
    t = await startVisor();
  });
  after(() => t.close());

  it('is refused before its first byte with 507 InsufficientStorage, without 100 Continue; the image stays locked', async () => {
    const image = (await request('POST', `${t.url}/images`, { body: { image: X86 } })).json().image;
    const conn = await connect(t.url);
    const petabyte = 2 ** 50;
    conn.socket.write(
      `PUT /images/${image.id} HTTP/1.1\r\nhost: x\r\ncontent-type: application/octet-stream\r\n` +
        `content-length: ${petabyte}\r\nexpect: 100-continue\r\n\r\n`,
    );
    await conn.waitFor('final answer', () => conn.received().includes('\r\n\r\n') && conn.ended());
    assert.match(conn.received(), /^HTTP\/1\.1 507 /);
    assert.match(conn.received(), new RegExp(`backend 'default' key '${image.id}': the store has \\d+ bytes free, the object needs ${petabyte}`));
    assert.equal((await get(`${t.url}/images/${image.id}/meta`)).json().image.status, 'locked');
  });
});

describe('an upload whose declared size is over limits.maxImageBytes', () => {
  let t: TestVisor;
  before(async () => {
    t = await startVisor({ limits: { maxImageBytes: 1000 } });
  });
  after(() => t.close());

  for (const declared of ['content-length: 1001', 'content-length: 1001\r\nx-image-meta-size: 1001']) {
    it(`is refused with 413 before 100 Continue (${declared.replace('\r\n', ', ')}); the image stays locked`, async () => {
      const image = (await request('POST', `${t.url}/images`, { body: { image: X86 } })).json().image;
      const conn = await connect(t.url);
      conn.socket.write(
        `PUT /images/${image.id} HTTP/1.1\r\nhost: x\r\ncontent-type: application/octet-stream\r\n${declared}\r\nexpect: 100-continue\r\n\r\n`,
      );
      await conn.waitFor('final answer', () => conn.received().includes('\r\n\r\n') && conn.ended());
      assert.match(conn.received(), /^HTTP\/1\.1 413 /);
      assert.doesNotMatch(conn.received(), /100 Continue/);
      assert.match(conn.received(), /\r\nconnection: close\r\n/i);
      assert.match(conn.received(), /"code":"PayloadTooLarge".*1001 bytes \(as declared\).*limit of 1000 bytes/);
      assert.equal((await get(`${t.url}/images/${image.id}/meta`)).json().image.status, 'locked');
    });
  }

  it('a POST with a file declared over the limit: 413 before 100 Continue and no record', async () => {
    const conn = await connect(t.url);
    conn.socket.write(
      'POST /images HTTP/1.1\r\nhost: x\r\ncontent-type: application/octet-stream\r\ncontent-length: 5000\r\n' +
        'x-image-meta-name: declared-too-big\r\nx-image-meta-architecture: x86_64\r\nexpect: 100-continue\r\n\r\n',
    );
    await conn.waitFor('final answer', () => conn.received().includes('\r\n\r\n') && conn.ended());
    assert.match(conn.received(), /^HTTP\/1\.1 413 /);
    assert.doesNotMatch(conn.received(), /100 Continue/);
    assert.deepEqual((await get(`${t.url}/images?name=declared-too-big`)).json().images, []);
  });
});
