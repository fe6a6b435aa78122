import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { after, before, describe, test } from 'node:test';
import { SourceFetchError, type FetchFailure } from '../src/fetch/fetch-errors.js';
import { probeSource } from '../src/source/probe-source.js';
import { readSource, type ReadRange } from '../src/source/read-source.js';
import type { SourceObject } from '../src/source/source-object.js';
import { startImageServer, type ImageServer } from './support/image-server.js';
import { testClient } from './support/source-clients.js';

/** The bytes readSource streams. */
async function bytesOf(url: string, range?: ReadRange, expected?: SourceObject): Promise<Buffer> {
  return buffer((await readSource(sharedClient, url, range, expected)).body);
}

async function assertFails(promise: Promise<unknown>, failure: FetchFailure, reason: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof SourceFetchError, `not a SourceFetchError: ${String(error)}`);
    assert.equal(error.failure, failure, error.message);
    assert.match(error.message, reason);
    return true;
  });
}

const sharedClient = testClient({ allowHosts: ['127.0.0.1'] });

describe('probing and reading source objects on nginx', () => {
  let server: ImageServer;
  const client = sharedClient;
  before(async () => {
    server = await startImageServer();
  });
  after(async () => {
    client.close();
    await server?.stop();
  });

  test('probe: size from Content-Length, ETag and Last-Modified from HEAD', async () => {
    const object = await probeSource(client, server.url('/images/image.raw'));
    assert.equal(object.size, server.image.length);
    assert.match(object.etag!, /^"[0-9a-f]+-[0-9a-f]+"$/);
    assert.match(object.lastModified!, /GMT$/);
  });

  test('probe: a server refusing HEAD is asked with a one-byte ranged GET', async () => {
    const object = await probeSource(client, server.url('/no-head/image.raw'));
    assert.equal(object.size, server.image.length);
    assert.ok(object.etag);
  });

  test('probe: no length from HEAD nor GET is a `length` failure naming the host', async () => {
    await assertFails(probeSource(client, server.url('/no-length/image.raw')), 'length', /127\.0\.0\.1:\d+ answered 200 OK without the object's length/);
  });

  test('probe: 404 is a `status` failure naming host and status', async () => {
    await assertFails(probeSource(client, server.url('/images/missing.raw')), 'status', /127\.0\.0\.1:\d+ answered 404 Not Found/);
  });

  test('read: the whole object, a range (206), and a range from a source ignoring Range (skipped bytes)', async () => {
    const recorded = await probeSource(client, server.url('/images/image.raw'));
    assert.ok((await bytesOf(server.url('/images/image.raw'), undefined, recorded)).equals(server.image));
    const range = { start: 1_500_000, end: 2_600_000 };
    const wanted = server.image.subarray(range.start, range.end + 1);
    assert.ok((await bytesOf(server.url('/images/image.raw'), range, recorded)).equals(wanted));
    assert.ok((await bytesOf(server.url('/no-ranges/image.raw'), range, recorded)).equals(wanted));
    const tail = { start: server.image.length - 10, end: server.image.length - 1 };
    assert.ok((await bytesOf(server.url('/no-ranges/image.raw'), tail, recorded)).equals(server.image.subarray(-10)));
    const head = { start: 0, end: 0 };
    assert.ok((await bytesOf(server.url('/no-ranges/image.raw'), head, recorded)).equals(server.image.subarray(0, 1)));
  });

  test('read: a chunked body without length is still checked against the recorded length', async () => {
    const recorded = await probeSource(client, server.url('/images/image.raw'));
    assert.ok((await bytesOf(server.url('/no-length/image.raw'), undefined, recorded)).equals(server.image));
    await assertFails(buffer((await readSource(client, server.url('/no-length/image.raw'), undefined, { ...recorded, size: recorded.size + 5 })).body), 'changed', /ended after/);
    await assertFails(buffer((await readSource(client, server.url('/no-length/image.raw'), undefined, { ...recorded, size: recorded.size - 5 })).body), 'changed', /runs past the object's/);
  });

  test('read: an object replaced since it was probed is refused naming what changed', async () => {
    server.writeImage('changing.raw', randomBytes(5000), new Date('2024-01-01T00:00:00Z'));
    const recorded = await probeSource(client, server.url('/images/changing.raw'));
    server.writeImage('changing.raw', randomBytes(5000), new Date('2025-06-01T00:00:00Z'));
    await assertFails(readSource(client, server.url('/images/changing.raw'), undefined, recorded), 'changed', /ETag "[^"]+" → "[^"]+", Last-Modified Mon, 01 Jan 2024 00:00:00 GMT → Sun, 01 Jun 2025/);
    await assertFails(readSource(client, server.url('/images/changing.raw'), { start: 1, end: 2 }, recorded), 'changed', /ETag/);
    server.writeImage('changing.raw', randomBytes(4000), new Date('2025-06-01T00:00:00Z'));
    await assertFails(readSource(client, server.url('/images/changing.raw'), undefined, recorded), 'changed', /length 5000 → 4000 bytes/);
    await assertFails(readSource(client, server.url('/images/changing.raw'), { start: 4500, end: 4999 }, recorded), 'changed', /answered 416: range 4500-4999 is outside the object of 4000 bytes, recorded with 5000 bytes/);
  });

  test('read: without expectations, tells the object\'s length and validators from the answer', async () => {
    const recorded = await probeSource(client, server.url('/images/image.raw'));
    const whole = await readSource(client, server.url('/images/image.raw'), undefined);
    assert.deepEqual(whole.object, recorded);
    whole.body.destroy();
    const part = await readSource(client, server.url('/images/image.raw'), { start: 5, end: 9 });
    assert.deepEqual(part.object, recorded);
    assert.ok((await buffer(part.body)).equals(server.image.subarray(5, 10)));
    const ignored = await readSource(client, server.url('/no-ranges/image.raw'), { start: 5, end: 9 });
    assert.deepEqual(ignored.object, recorded);
    assert.ok((await buffer(ignored.body)).equals(server.image.subarray(5, 10)));
  });

  test('read: a removed object answers a `status` failure with 404', async () => {
    server.writeImage('gone.raw', randomBytes(10));
    const recorded = await probeSource(client, server.url('/images/gone.raw'));
    await assertFails(readSource(client, server.url('/images/nothing-here.raw'), undefined, recorded), 'status', /404 Not Found/);
  });
});
