import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { request } from '@visor/test-support';
import { raw } from './helpers/raw-exchange.js';
import { startVisor, X86, type TestVisor } from './helpers/test-visor.js';
import { partFiles } from './helpers/uploads-in-flight.js';

const body = Buffer.from('the bytes of a small image, sent in chunks, with their digests after them'.repeat(1000));
const sha256 = createHash('sha256').update(body).digest('hex');
const md5 = createHash('md5').update(body);
const md5Hex = createHash('md5').update(body).digest('hex');
const md5Base64 = md5.digest('base64');
const WRONG_SHA = 'f'.repeat(64);

/** A chunked body in three chunks, then the trailer section (`name: value` lines), as RFC 9112 section 7.1 frames it. */
function chunked(bytes: Buffer, trailers: Record<string, string>): string {
  const thirds = [bytes.subarray(0, 1000), bytes.subarray(1000, 20_000), bytes.subarray(20_000)];
  const chunks = thirds.map((part) => `${part.length.toString(16)}\r\n${part.toString('latin1')}\r\n`).join('');
  const trailer = Object.entries(trailers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return `${chunks}0\r\n${trailer}\r\n`;
}

/** Status line and JSON body of a raw HTTP/1.1 answer. */
function parse(answer: string): { status: number; doc: any } {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
  const text = Buffer.from(answer.slice(answer.indexOf('\r\n\r\n') + 4), 'latin1').toString('utf8');
  return { status, doc: text === '' ? undefined : JSON.parse(text) };
}

describe('digests sent as HTTP trailers after a chunked upload (RFC 9110 section 6.5, RFC 9112 section 7.1.2)', () => {
  let t: TestVisor;
  let port: number;
  before(async () => {
    t = await startVisor();
    port = Number(new URL(t.url).port);
  });
  after(() => t.close());

  const locked = async () => (await request('POST', `${t.url}/images`, { body: { image: X86 } })).json().image.id as string;
  const statusOf = async (id: string) => (await request('GET', `${t.url}/images/${id}/meta`)).json().image.status as string;

  /** `PUT /images/:id` over a raw socket: the head with `Trailer: <announce>` if given, the chunked body, the trailers. */
  async function put(id: string, trailers: Record<string, string>, announce?: string): Promise<{ status: number; doc: any }> {
    const head =
      `PUT /images/${id} HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n` +
      `${announce === undefined ? '' : `Trailer: ${announce}\r\n`}Connection: close\r\n\r\n`;
    return parse(await raw(port, Buffer.from(head + chunked(body, trailers), 'latin1'), { then: 'read', waitMs: 10_000 }));
  }

  it('a matching x-image-meta-sha256 trailer: stored, with the digests computed', async () => {
    const id = await locked();
    const { status, doc } = await put(id, { 'x-image-meta-sha256': sha256 }, 'x-image-meta-sha256');
    assert.equal(status, 200, JSON.stringify(doc));
    assert.equal(doc.image.status, 'available');
    assert.equal(doc.image.sha256, sha256);
    assert.equal(doc.image.checksum, md5Hex);
  });

  it('a trailer that disagrees with the bytes: 400 BadDigest, nothing stored, the image as it was', async () => {
    for (const [trailer, value, field] of [
      ['x-image-meta-sha256', WRONG_SHA, 'sha256'],
      ['x-image-meta-checksum', '0'.repeat(32), 'checksum'],
      ['Content-MD5', Buffer.alloc(16).toString('base64'), 'checksum'],
    ] as const) {
      const id = await locked();
      const { status, doc } = await put(id, { [trailer]: value }, trailer);
      assert.equal(status, 400, trailer);
      assert.equal(doc.code, 'BadDigest', trailer);
      assert.equal(doc.field, field, trailer);
      assert.match(doc.message, /nothing was stored/);
      assert.equal(await statusOf(id), 'locked', trailer);
    }
    assert.deepEqual(await partFiles(t.dataDir), []);
  });

  it('Content-MD5 and x-image-meta-checksum as trailers, matching: stored', async () => {
    const id = await locked();
    const { status, doc } = await put(id, { 'Content-MD5': md5Base64, 'x-image-meta-checksum': md5Hex }, 'Content-MD5, x-image-meta-checksum');
    assert.equal(status, 200, JSON.stringify(doc));
    assert.equal(doc.image.checksum, md5Hex);
  });

  it('a digest trailer sent without being announced is checked too', async () => {
    const id = await locked();
    const { status, doc } = await put(id, { 'x-image-meta-sha256': WRONG_SHA });
    assert.equal(status, 400);
    assert.equal(doc.code, 'BadDigest');
    assert.equal(await statusOf(id), 'locked');
  });

  it('an announced digest trailer that does not come, or a malformed one: 400 InvalidField naming it, nothing stored', async () => {
    const id = await locked();
    const missing = await put(id, {}, 'x-image-meta-sha256');
    assert.equal(missing.status, 400);
    assert.equal(missing.doc.code, 'InvalidField');
    assert.equal(missing.doc.field, 'sha256');
    assert.equal(missing.doc.trailer, 'x-image-meta-sha256');
    assert.match(missing.doc.message, /^trailer 'x-image-meta-sha256' was announced in 'Trailer' but not sent after the body; nothing was stored$/);
    const malformed = await put(id, { 'x-image-meta-sha256': 'abc' }, 'x-image-meta-sha256');
    assert.equal(malformed.status, 400);
    assert.equal(malformed.doc.code, 'InvalidField');
    assert.match(malformed.doc.message, /^trailer 'x-image-meta-sha256' must be a SHA-256 in 64 hex digits; nothing was stored$/);
    const disagreeing = await put(id, { 'Content-MD5': md5Base64, 'x-image-meta-checksum': '0'.repeat(32) });
    assert.equal(disagreeing.status, 400);
    assert.equal(disagreeing.doc.field, 'Content-MD5');
    assert.equal(await statusOf(id), 'locked');
  });

  it('announcing other metadata as a trailer is refused before the body is read (400 InvalidField)', async () => {
    const id = await locked();
    const { status, doc } = await put(id, { 'x-image-meta-name': 'late' }, 'x-image-meta-sha256, x-image-meta-name');
    assert.equal(status, 400);
    assert.equal(doc.code, 'InvalidField');
    assert.equal(doc.field, 'name');
    assert.match(doc.message, /'Trailer' announces 'x-image-meta-name': only x-image-meta-checksum, x-image-meta-sha256 and Content-MD5 may follow the body/);
    assert.equal(await statusOf(id), 'locked');
  });

  it("POST /images with the file and a wrong trailer registers nothing; Node's http client's addTrailers works as well", async () => {
    const send = (trailer: string) =>
      new Promise<{ status: number; doc: any }>((resolve, reject) => {
        const req = http.request(`${t.url}/images`, {
          method: 'POST',
          headers: { 'content-type': 'application/octet-stream', 'x-image-meta-name': 'trailed', 'x-image-meta-architecture': 'x86_64', trailer: 'x-image-meta-sha256' },
        });
        req.on('response', (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode!, doc: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
        });
        req.on('error', reject);
        req.write(body.subarray(0, 5000));
        req.write(body.subarray(5000));
        req.addTrailers({ 'x-image-meta-sha256': trailer });
        req.end();
      });
    const refused = await send(WRONG_SHA);
    assert.equal(refused.status, 400);
    assert.equal(refused.doc.code, 'BadDigest');
    assert.equal((await request('GET', `${t.url}/images?name=trailed`)).json().images.length, 0);
    const stored = await send(sha256);
    assert.equal(stored.status, 201, JSON.stringify(stored.doc));
    assert.equal(stored.doc.image.sha256, sha256);
  });
});
