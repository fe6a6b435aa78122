import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { access, truncate, unlink } from 'node:fs/promises';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { get, request } from '@visor/test-support';
import { heldDownloadBuffers, sendFromReader } from '../src/http/send-from-reader.js';
import type { TransferStats } from '../src/index.js';
import { faultyBackendPlugin, noFaults } from './helpers/faulty-backend.js';
import { extension, logRecords } from './helpers/plugin-kit.js';
import { startVisor, X86, type TestVisor } from './helpers/test-visor.js';
import { abandonDownload } from './helpers/uploads-in-flight.js';
import { waitFor } from './helpers/wait-for.js';

const octet = { 'content-type': 'application/octet-stream' };
const MiB = 1024 * 1024;

/** Reads a response to its end, or to the moment the server cuts it; never rejects. */
function fetchRaw(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: Buffer; complete: boolean; length: number }>((resolve, reject) => {
    const req = http.get(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      const done = () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks), complete: res.complete, length: Number(res.headers['content-length']) });
      res.once('end', done);
      res.once('error', done);
      res.once('aborted', done);
    });
    req.on('error', reject);
  });
}

async function uploaded(t: TestVisor, data: Buffer, store?: string) {
  const res = await request('POST', `${t.url}/images`, {
    headers: { ...octet, 'x-image-meta-name': 'download test', 'x-image-meta-architecture': 'x86_64', ...(store ? { 'x-image-meta-store': store } : {}) },
    body: data,
  });
  assert.equal(res.status, 201, res.text);
  return res.json().image as { id: string; location: string; store: string };
}

describe('downloads served with reused buffers (stores with positional reads)', () => {
  let t: TestVisor;
  before(async () => {
    t = await startVisor();
  });
  after(() => t.close());

  it('concurrent whole and ranged downloads of different images each get exactly their own bytes', async () => {
    // More chunks in flight than the buffer pool holds: a buffer handed to two downloads at once would corrupt one.
    const images = await Promise.all([5 * MiB + 3, 3 * MiB, 7 * MiB + 11].map(async (size) => {
      const data = randomBytes(size);
      return { data, image: await uploaded(t, data) };
    }));
    const ranges = [null, { start: MiB - 7, end: 3 * MiB + 5 }, { start: 0, end: 0 }] as const;
    const jobs = images.flatMap(({ data, image }) =>
      ranges.map(async (range) => {
        const headers: Record<string, string> = range ? { range: `bytes=${range.start}-${range.end}` } : {};
        const res = await fetchRaw(`${t.url}/images/${image.id}`, headers);
        const expected = range ? data.subarray(range.start, range.end + 1) : data;
        assert.equal(res.status, range ? 206 : 200);
        assert.equal(res.length, expected.length);
        assert.ok(res.body.equals(expected), `image ${image.id} ${range ? `${range.start}-${range.end}` : 'whole'}: bytes differ`);
      }),
    );
    await Promise.all(jobs);
    await waitFor('every download buffer released', () => heldDownloadBuffers() === 0 || undefined, 2000);
  });

  it('clients that stop reading hold one buffer each plus at most the shared read-ahead, and release all when they go', async () => {
    const CLIENTS = 40;
    const data = randomBytes(32 * MiB);
    const image = await uploaded(t, data);
    const clients: http.ClientRequest[] = [];
    const responses: http.IncomingMessage[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      const req = http.get(`${t.url}/images/${image.id}`, { agent: false }, (res) => {
        res.pause(); // never reads: the server's writes stall once the socket buffers fill
        responses.push(res);
      });
      req.on('error', () => undefined);
      clients.push(req);
    }
    await waitFor('every response head', () => responses.length === CLIENTS || undefined, 10_000);
    // Once every socket is full the count stops moving. Unbounded, 40 downloads reading four buffers ahead would hold 160.
    let last = -1;
    await waitFor('the held buffer count to settle', async () => {
      const now = heldDownloadBuffers();
      const steady = now === last;
      last = now;
      await new Promise((resolve) => setTimeout(resolve, 200));
      return steady;
    }, 20_000);
    assert.ok(last >= CLIENTS && last <= 64 + CLIENTS, `held ${last} buffers`);
    for (const req of clients) req.destroy();
    await waitFor('every download buffer released', () => heldDownloadBuffers() === 0 || undefined, 10_000);
    assert.equal((await fetchRaw(`${t.url}/images/${image.id}`)).body.equals(data), true, 'a download afterwards is whole');
  });

  it('an empty image downloads as an empty 200', async () => {
    const image = await uploaded(t, Buffer.alloc(0));
    const res = await fetchRaw(`${t.url}/images/${image.id}`);
    assert.equal(res.status, 200);
    assert.equal(res.length, 0);
    assert.equal(res.body.length, 0);
    assert.ok(res.complete);
  });

  it("a file gone from the store: 502 naming store and key, the image in status 'error', and a new upload repairs it", async () => {
    const data = randomBytes(10_000);
    const image = await uploaded(t, data);
    await unlink(fileURLToPath(image.location));
    const res = await get(`${t.url}/images/${image.id}`);
    assert.equal(res.status, 502, res.text);
    assert.match(res.json().message, new RegExp(`backend 'default' key '${image.id}'.*missing from its store`));
    assert.equal((await get(`${t.url}/images/${image.id}/meta`)).json().image.status, 'error');
    const repaired = await request('PUT', `${t.url}/images/${image.id}`, { headers: octet, body: data });
    assert.equal(repaired.status, 200, repaired.text);
    assert.ok((await get(`${t.url}/images/${image.id}`)).body.equals(data));
  });

  it("a file whose size changed behind Visor's back is not served: 502 and status 'error'", async () => {
    const image = await uploaded(t, randomBytes(10_000));
    await truncate(fileURLToPath(image.location), 4_000);
    const res = await get(`${t.url}/images/${image.id}`);
    assert.equal(res.status, 502, res.text);
    assert.match(res.json().message, /has 4000 bytes, not the 10000 its record says/);
    assert.equal((await get(`${t.url}/images/${image.id}/meta`)).json().image.status, 'error');
    // The record still names the file, so deleting the image leaves no orphan.
    assert.equal((await request('DELETE', `${t.url}/images/${image.id}`)).status, 200);
    await assert.rejects(access(fileURLToPath(image.location)), /ENOENT/);
  });
});

describe('download failures after the head is sent', () => {
  let t: TestVisor;
  const faults = noFaults();
  const outcomes: TransferStats[] = [];
  before(async () => {
    t = await startVisor({
      stores: {
        default: { backend: 'fs' },
        reads: { backend: faultyBackendPlugin(faults, { positionalReads: true }), options: { directory: 'reads' } },
        streams: { backend: faultyBackendPlugin(faults), options: { directory: 'streams' } },
      },
      plugins: [extension('outcomes', (visor) => visor.hooks.afterDownload.tap('w', (_image, stats) => void outcomes.push(stats)))],
    });
  });
  after(() => t.close());

  it('a read failing midway cuts the response short, logs the error naming store and key, and afterDownload says failed', async () => {
    const data = randomBytes(6 * MiB);
    const image = await uploaded(t, data, 'reads');
    outcomes.length = 0;
    faults.failReadAfterBytes = 2 * MiB;
    try {
      const res = await fetchRaw(`${t.url}/images/${image.id}`);
      assert.equal(res.status, 200);
      assert.equal(res.complete, false, 'the body must not look complete');
      assert.ok(res.body.length < data.length, `got ${res.body.length} bytes`);
      assert.ok(res.body.equals(data.subarray(0, res.body.length)), 'what did arrive is the right prefix');
    } finally {
      faults.failReadAfterBytes = null;
    }
    const [stats] = await waitFor('afterDownload', () => (outcomes.length > 0 ? outcomes : undefined), 2000);
    assert.equal(stats!.outcome, 'failed');
    assert.ok(stats!.bytes <= 2 * MiB, `bytes ${stats!.bytes}`);
    const logged = logRecords(t.logs, 'download failed');
    assert.equal(logged.length, 1, t.logs.join('\n'));
    assert.match(JSON.stringify(logged[0]), new RegExp(`backend 'reads' key '${image.id}'`));
    const again = await fetchRaw(`${t.url}/images/${image.id}`);
    assert.ok(again.complete && again.body.equals(data), 'the next download is whole');
    await waitFor('every download buffer released', () => heldDownloadBuffers() === 0 || undefined, 2000);
  });

  it('a stream failing midway (a store without positional reads, an S3 connection dropped) cuts the response short, logs the error naming store and key, and afterDownload says failed', async () => {
    const data = randomBytes(6 * MiB);
    const image = await uploaded(t, data, 'streams');
    outcomes.length = 0;
    faults.failReadAfterBytes = 2 * MiB;
    try {
      const res = await fetchRaw(`${t.url}/images/${image.id}`);
      assert.equal(res.status, 200);
      assert.equal(res.complete, false, 'the body must not look complete');
      assert.ok(res.body.length <= 2 * MiB, `got ${res.body.length} bytes`);
      assert.ok(res.body.equals(data.subarray(0, res.body.length)), 'what did arrive is the right prefix');
    } finally {
      faults.failReadAfterBytes = null;
    }
    const [stats] = await waitFor('afterDownload', () => (outcomes.length > 0 ? outcomes : undefined), 2000);
    assert.equal(stats!.outcome, 'failed', 'the store failed, the client did not leave');
    assert.ok(stats!.bytes <= 2 * MiB, `bytes ${stats!.bytes}`);
    const logged = await waitFor('the failure logged', () => {
      const records = logRecords(t.logs, 'download failed').filter((record) => JSON.stringify(record).includes(image.id));
      return records.length > 0 ? records : undefined;
    }, 2000);
    assert.equal(logged.length, 1, t.logs.join('\n'));
    assert.match(JSON.stringify(logged[0]), new RegExp(`backend 'streams' key '${image.id}': read failed \\(EIO\\)`));
    const again = await fetchRaw(`${t.url}/images/${image.id}`);
    assert.ok(again.complete && again.body.equals(data), 'the next download is whole');
  });

  it("a client leaving mid-download of a stream store: afterDownload says 'aborted', and nothing is logged as a failure", async () => {
    const data = randomBytes(32 * MiB);
    const image = await uploaded(t, data, 'streams');
    outcomes.length = 0;
    const before = logRecords(t.logs, 'download failed').length;
    assert.equal(await abandonDownload(`${t.url}/images/${image.id}`), 200);
    const [stats] = await waitFor('afterDownload', () => (outcomes.length > 0 ? outcomes : undefined), 2000);
    assert.equal(stats!.outcome, 'aborted');
    assert.ok(stats!.bytes < data.length, `bytes ${stats!.bytes}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(logRecords(t.logs, 'download failed').length, before, t.logs.join('\n'));
  });

  it('a store without positional reads serves whole files and ranges through its stream', async () => {
    const data = randomBytes(3 * MiB + 5);
    const image = await uploaded(t, data, 'streams');
    outcomes.length = 0;
    const whole = await fetchRaw(`${t.url}/images/${image.id}`);
    assert.ok(whole.complete && whole.body.equals(data));
    const ranged = await fetchRaw(`${t.url}/images/${image.id}`, { range: 'bytes=1048570-2097160' });
    assert.equal(ranged.status, 206);
    assert.ok(ranged.body.equals(data.subarray(1048570, 2097161)));
    await waitFor('two afterDownload events', () => outcomes.length === 2 || undefined, 2000);
    assert.deepEqual(outcomes.map((o) => [o.outcome, o.bytes]), [['completed', data.length], ['completed', 2097161 - 1048570]]);
  });

  it("a client leaving mid-download of a positional-read store: afterDownload says 'aborted'", async () => {
    const data = randomBytes(32 * MiB);
    const image = await uploaded(t, data, 'reads');
    outcomes.length = 0;
    assert.equal(await abandonDownload(`${t.url}/images/${image.id}`), 200);
    const [stats] = await waitFor('afterDownload', () => (outcomes.length > 0 ? outcomes : undefined), 2000);
    assert.equal(stats!.outcome, 'aborted');
    assert.ok(stats!.bytes < data.length, `bytes ${stats!.bytes}`);
    await waitFor('every download buffer released', () => heldDownloadBuffers() === 0 || undefined, 2000);
  });
});

describe('sendFromReader', () => {
  it('settles as aborted, and closes the reader, when the client left before the first byte (also for an empty object)', async () => {
    let closed = 0;
    const reader = { size: 0, read: async () => 0, close: async () => void (closed += 1) };
    const results: Array<Promise<unknown>> = [];
    const server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-length': '0' });
      res.once('close', () => results.push(sendFromReader(reader, res, { start: 0, end: -1, backend: 'b', key: 'k' })));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const req = http.get(`http://127.0.0.1:${port}/`, { agent: false });
      req.on('error', () => undefined);
      req.on('socket', (socket) => socket.once('connect', () => setTimeout(() => req.destroy(), 50)));
      await waitFor('the response to close', () => results.length === 1 || undefined, 2000);
      const result = await Promise.race([results[0], new Promise((resolve) => setTimeout(() => resolve('pending'), 1000))]);
      assert.deepEqual(result, { bytes: 0, outcome: 'aborted' });
      assert.equal(closed, 1);
    } finally {
      server.close();
    }
  });
});
