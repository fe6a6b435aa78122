import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { get, request } from '@visor/test-support';
import { startImageServer, type ImageServer } from './support/image-server.js';
import { startMirrorVisor, type MirrorVisor } from './support/mirror-visor.js';

/**
 * A source file that shrinks, grows or is replaced after registration, read
 * through the REST API (Visor and nginx on 127.0.0.1). A range valid for the
 * record but beyond the source's new end makes nginx answer 416 (or cut its
 * 206 at the new end, or send a short 200 where it ignores Range): that is the
 * source's change, answered 502 naming store, location and cause, never a 416
 * to the client whose range was valid.
 */
describe('a source changed after registration, read through the REST API', () => {
  let server: ImageServer;
  let visor: MirrorVisor;

  before(async () => {
    server = await startImageServer(1024);
    visor = await startMirrorVisor({ mirrors: { allowHosts: ['127.0.0.1'] } });
  });
  after(async () => {
    await visor?.close();
    await server?.stop();
  });

  const register = async (path: string, extra: Record<string, unknown> = {}) => {
    const res = await request('POST', `${visor.url}/images`, {
      body: { image: { name: 'changing', architecture: 'x86_64', format: 'raw', store: 'mirrors', location: server.url(path), ...extra } },
    });
    assert.equal(res.status, 201, res.text);
    return res.json().image as { id: string; size: number };
  };
  const statusOf = async (id: string) => (await get(`${visor.url}/images/${id}/meta`)).json().image.status as string;

  /** The answer to a download the source can no longer serve: 502, a store error naming the store, the location and the cause. */
  const assertStoreError = (res: Awaited<ReturnType<typeof get>>, path: string, cause: RegExp) => {
    assert.equal(res.status, 502, res.text);
    assert.equal(res.headers['content-range'], undefined);
    const body = res.json();
    assert.equal(body.code, 'BackendError');
    assert.equal(res.headers['x-error-code'], 'BackendError');
    assert.equal(body.backend, 'mirrors');
    assert.equal(body.location, server.url(path));
    assert.match(body.message, /^backend 'mirrors' key '[0-9a-f-]{36}': /);
    assert.ok(body.message.includes(`at ${server.url(path)} `), body.message);
    assert.match(body.message, cause);
    assert.match(body.message, /the image is now in status 'error' and can be deleted and registered again$/);
  };

  test('shrunk: a range beyond the new end, valid for the record (the source answers 416), is a 502 naming the change', async () => {
    server.writeImage('shrinks-416.raw', randomBytes(4096));
    const image = await register('/images/shrinks-416.raw');
    server.writeImage('shrinks-416.raw', randomBytes(1000));
    const res = await get(`${visor.url}/images/${image.id}`, { range: 'bytes=2000-2999' });
    assertStoreError(res, '/images/shrinks-416.raw', /recorded with 4096 bytes, the store has fewer: .*answered 416: range 2000-2999 is outside the object of 1000 bytes/);
    assert.equal(await statusOf(image.id), 'error');
    // Nothing crashed: the server answers, and the image now refuses downloads plainly.
    assert.equal((await get(`${visor.url}/images/${image.id}`)).status, 409);
  });

  test('shrunk: a range across the new end (the source cuts its 206 there) is a 502 naming the change', async () => {
    server.writeImage('shrinks-206.raw', randomBytes(4096));
    const image = await register('/images/shrinks-206.raw');
    server.writeImage('shrinks-206.raw', randomBytes(3000));
    const res = await get(`${visor.url}/images/${image.id}`, { range: 'bytes=2000-3999' });
    assertStoreError(res, '/images/shrinks-206.raw', /recorded with 4096 bytes, the store has fewer: .*range 2000-3999 is outside the object of 3000 bytes/);
    assert.equal(await statusOf(image.id), 'error');
  });

  test('shrunk: a range beyond the new end from a source that ignores Range (a short 200) is a 502 naming the change', async () => {
    server.writeImage('shrinks-200.raw', randomBytes(4096));
    const image = await register('/no-ranges/shrinks-200.raw');
    server.writeImage('shrinks-200.raw', randomBytes(1000));
    const res = await get(`${visor.url}/images/${image.id}`, { range: 'bytes=2000-2999' });
    assertStoreError(res, '/no-ranges/shrinks-200.raw', /recorded with 4096 bytes, the store has fewer: .*range 2000-2999 is outside the object of 1000 bytes/);
    assert.equal(await statusOf(image.id), 'error');
  });

  test('shrunk: a range still inside the new end is a 502 on the length, not the shorter bytes', async () => {
    server.writeImage('shrinks-inside.raw', randomBytes(4096));
    const image = await register('/images/shrinks-inside.raw');
    server.writeImage('shrinks-inside.raw', randomBytes(1000));
    const res = await get(`${visor.url}/images/${image.id}`, { range: 'bytes=0-99' });
    assertStoreError(res, '/images/shrinks-inside.raw', /has 1000 bytes, not the 4096 its record says/);
  });

  test('grown: a full download and a range are 502 on the length; no byte of the new file is sent', async () => {
    server.writeImage('grows.raw', randomBytes(4096));
    const whole = await register('/images/grows.raw');
    const part = await register('/images/grows.raw');
    server.writeImage('grows.raw', randomBytes(8192));
    assertStoreError(await get(`${visor.url}/images/${whole.id}`), '/images/grows.raw', /has 8192 bytes, not the 4096 its record says/);
    assertStoreError(await get(`${visor.url}/images/${part.id}`, { range: 'bytes=0-99' }), '/images/grows.raw', /has 8192 bytes, not the 4096 its record says/);
    assert.equal(await statusOf(whole.id), 'error');
    assert.equal(await statusOf(part.id), 'error');
  });

  test('replaced at the same length: the new ETag and Last-Modified are a 502 naming them', async () => {
    server.writeImage('replaced.raw', randomBytes(4096), new Date('2024-03-01T00:00:00Z'));
    const image = await register('/images/replaced.raw');
    server.writeImage('replaced.raw', randomBytes(4096), new Date('2024-04-01T00:00:00Z'));
    assertStoreError(await get(`${visor.url}/images/${image.id}`), '/images/replaced.raw', /changed in its store since it was registered: ETag "[^"]+" → "[^"]+", version Fri, 01 Mar 2024/);
  });

  test('replaced with the same length and validators: declared digests catch it on the first full download', async () => {
    // nginx's ETag is the modification time and the length: keeping both hides the replacement from them.
    const mtime = new Date('2024-05-01T00:00:00Z');
    const first = randomBytes(4096);
    server.writeImage('same-validators.raw', first, mtime);
    const image = await register('/images/same-validators.raw', { sha256: createHash('sha256').update(first).digest('hex') });
    server.writeImage('same-validators.raw', randomBytes(4096), mtime);
    const outcome = await get(`${visor.url}/images/${image.id}`).then(
      (res) => `answered ${res.status} with ${res.body.length} bytes`,
      (error: Error) => `failed: ${error.message}`,
    );
    assert.doesNotMatch(outcome, /with 4096 bytes/);
    assert.equal(await statusOf(image.id), 'error');
  });

  test('the store query string (a token) is not named in the error', async () => {
    server.writeImage('token.raw', randomBytes(4096));
    const image = await register('/images/token.raw?token=s3cr3t');
    server.writeImage('token.raw', randomBytes(1000));
    const res = await get(`${visor.url}/images/${image.id}`, { range: 'bytes=2000-2999' });
    assert.equal(res.status, 502, res.text);
    assert.doesNotMatch(res.text, /s3cr3t/);
    assert.doesNotMatch(String(res.headers['x-error-message']), /s3cr3t/);
    assert.equal(res.json().location, server.url('/images/token.raw'));
  });
});
