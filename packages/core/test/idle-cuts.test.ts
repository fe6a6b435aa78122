import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { request } from '@visor/test-support';
import { logRecords } from './helpers/plugin-kit.js';
import { startVisor, X86, type TestVisor } from './helpers/test-visor.js';
import { startSlowUpload } from './helpers/uploads-in-flight.js';
import { sleep, waitFor } from './helpers/wait-for.js';

const octet = { 'content-type': 'application/octet-stream' };
const TEST = { timeout: 30_000 };
const IDLE_LINE = 'in the middle of a request: cut';

describe('connections cut after limits.idleTimeoutSeconds are logged once, with the request (real HTTP)', () => {
  let t: TestVisor;
  const file = randomBytes(32 * 1024 * 1024);
  let imageId: string;

  before(async () => {
    t = await startVisor({ limits: { idleTimeoutSeconds: 1 } });
    const created = await request('POST', `${t.url}/images`, {
      headers: { ...octet, 'x-image-meta-name': 'big', 'x-image-meta-architecture': 'x86_64' },
      body: file,
    });
    assert.equal(created.status, 201, created.text);
    imageId = created.json().image.id;
  });
  after(() => t.close());

  const idleRecords = () => logRecords(t.logs, IDLE_LINE);

  it('a stalled upload: one warning with request id, method, path, bytes received and sent, idle seconds', TEST, async () => {
    const image = (await request('POST', `${t.url}/images`, { body: { image: X86 } })).json().image;
    const upload = startSlowUpload('PUT', `${t.url}/images/${image.id}?x=secret`, { ...octet, 'content-length': 1_000_000, 'x-request-id': 'stalled-upload-1' });
    await upload.write(randomBytes(100_000));
    await assert.rejects(upload.response);
    const [record, ...more] = await waitFor('the idle cut logged', () => (idleRecords().length > 0 ? idleRecords() : undefined));
    assert.deepEqual(more, [], 'logged once');
    assert.equal(record!.level, 'warn');
    assert.equal(record!.request, 'stalled-upload-1');
    assert.equal(record!.method, 'PUT');
    assert.equal(record!.path, `/images/${image.id}`, 'the path without its query');
    assert.equal(record!.idle_seconds, 1);
    assert.equal(record!.bytes_sent, 0);
    const received = record!.bytes_received as number;
    assert.ok(received >= 100_000 && received < 101_000, `${received} bytes received: the body so far and the head`);
    assert.match(String(record!.msg), /^connection idle for 1 s \(limits\.idleTimeoutSeconds\) in the middle of a request: cut$/);
  });

  it('a download whose reader stopped reading: logged with the bytes sent so far', TEST, async () => {
    const before = idleRecords().length;
    const received = await new Promise<number>((resolve, reject) => {
      const req = http.get(`${t.url}/images/${imageId}`, { agent: false, headers: { 'x-request-id': 'paused-download-1' } }, (res) => {
        assert.equal(res.statusCode, 200);
        let bytes = 0;
        res.once('data', (chunk: Buffer) => {
          bytes += chunk.length;
          // Stop reading: the server's writes back up until it cuts the connection.
          res.pause();
          setTimeout(() => {
            res.on('data', (more: Buffer) => (bytes += more.length));
            res.resume();
          }, 3_000);
        });
        res.on('error', () => resolve(bytes));
        res.on('end', () => reject(new Error('the download was not cut')));
      });
      req.on('error', () => undefined);
    });
    assert.ok(received < file.length);
    const records = await waitFor('the idle cut logged', () => (idleRecords().length > before ? idleRecords().slice(before) : undefined));
    assert.equal(records.length, 1);
    const [record] = records;
    assert.equal(record!.request, 'paused-download-1');
    assert.equal(record!.method, 'GET');
    assert.equal(record!.path, `/images/${imageId}`);
    const sent = record!.bytes_sent as number;
    assert.ok(sent > 0 && sent < file.length, `${sent} bytes sent before the cut`);
  });

  it('a connection idle outside any request is cut without a line', TEST, async () => {
    const before = idleRecords().length;
    const socket = net.connect(Number(new URL(t.url).port), '127.0.0.1');
    socket.on('error', () => undefined);
    const opened = Date.now();
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    assert.ok(Date.now() - opened >= 900, 'cut after the idle timeout, not before');
    await sleep(200);
    assert.equal(idleRecords().length, before);
  });
});
