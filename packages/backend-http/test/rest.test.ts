import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { VisorClient } from '@visor/client';
import { get, request, startStallingServer, type StallingServer } from '@visor/test-support';
import { buffer } from 'node:stream/consumers';
import { startImageServer, type ImageServer } from './support/image-server.js';
import { startMirrorVisor, type MirrorVisor } from './support/mirror-visor.js';

describe('http stores through the REST API (Visor and nginx on 127.0.0.1)', () => {
  let server: ImageServer;
  let visor: MirrorVisor;
  let listener: StallingServer;

  before(async () => {
    server = await startImageServer();
    listener = await startStallingServer();
    visor = await startMirrorVisor({
      // The tests' web server is on loopback: allowed for this store only.
      mirrors: { allowHosts: ['127.0.0.1'], ca: server.ca.caCertFile, timeoutSeconds: 1 },
      redirecting: { allowHosts: ['127.0.0.1'], redirectDownloads: true },
      // Default options: the SSRF guard as shipped.
      public: {},
    });
  });
  after(async () => {
    await visor?.close();
    await listener?.close();
    await server?.stop();
  });

  // Three http stores all serve http(s) URLs: each registration names its store.
  const register = (body: Record<string, unknown>) =>
    request('POST', `${visor.url}/images`, { body: { image: { name: 'Debian 12', architecture: 'x86_64', format: 'raw', store: 'mirrors', ...body } } });
  const statusOf = async (id: string) => (await get(`${visor.url}/images/${id}/meta`)).json().image.status as string;
  const count = async () => (await get(`${visor.url}/images`)).json().images.length as number;

  test('registration by URL: available at once, size from Content-Length, in the http store', async () => {
    const res = await register({ location: server.url('/images/image.raw') });
    assert.equal(res.status, 201, res.text);
    const { image } = res.json();
    assert.equal(image.status, 'available');
    assert.equal(image.store, 'mirrors');
    assert.equal(image.size, server.image.length);
    assert.equal(image.location, server.url('/images/image.raw'));
  });

  test('download: the bytes of the source, and single ranges (206, and from a source ignoring Range)', async () => {
    const { image } = (await register({ location: server.url('/images/image.raw'), store: 'mirrors' })).json();
    const whole = await get(`${visor.url}/images/${image.id}`);
    assert.equal(whole.status, 200);
    assert.ok(whole.body.equals(server.image));
    const part = await get(`${visor.url}/images/${image.id}`, { range: 'bytes=1000-1999' });
    assert.equal(part.status, 206);
    assert.equal(part.headers['content-range'], `bytes 1000-1999/${server.image.length}`);
    assert.ok(part.body.equals(server.image.subarray(1000, 2000)));
    const { image: noRanges } = (await register({ location: server.url('/no-ranges/image.raw') })).json();
    const skipped = await get(`${visor.url}/images/${noRanges.id}`, { range: 'bytes=2000000-2000099' });
    assert.equal(skipped.status, 206);
    assert.ok(skipped.body.equals(server.image.subarray(2_000_000, 2_000_100)));
  });

  test('the typed client registers by URL with a declared sha256 and downloads the bytes', async () => {
    const client = new VisorClient({ url: visor.url });
    const sha256 = createHash('sha256').update(server.image).digest('hex');
    const image = await client.register({ name: 'Debian 12', architecture: 'x86_64', format: 'raw', store: 'mirrors', location: server.url('/images/image.raw'), sha256 });
    assert.equal(image.status, 'available');
    assert.equal(image.size, server.image.length);
    assert.equal(image.sha256, sha256);
    const download = await client.download(image.id);
    assert.equal(download.status, 200);
    assert.ok((await buffer(download.stream)).equals(server.image));
  });

  test('HTTPS with the test CA given as the store option ca', async () => {
    const res = await register({ location: server.url('/images/image.raw', 'https') });
    assert.equal(res.status, 201, res.text);
    const got = await get(`${visor.url}/images/${res.json().image.id}`);
    assert.ok(got.body.equals(server.image));
  });

  test('a chain of 5 redirects is followed; 6 answer 502 and register nothing', async () => {
    const five = await register({ location: server.url('/chain/5') });
    assert.equal(five.status, 201, five.text);
    assert.ok((await get(`${visor.url}/images/${five.json().image.id}`)).body.equals(server.image));
    const before = await count();
    const six = await register({ location: server.url('/chain/6') });
    assert.equal(six.status, 502, six.text);
    assert.match(six.json().message, /more than 5 redirects/);
    assert.equal(await count(), before);
  });

  test('a 404 at registration answers 400 naming the host and the status; nothing is registered', async () => {
    const before = await count();
    const res = await register({ location: server.url('/images/no-such.raw') });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.json().field, 'location');
    assert.match(res.json().message, /nothing to register at the location: .*'http:\/\/127\.0\.0\.1:\d+\/images\/no-such\.raw': object not found/);
    assert.equal(await count(), before);
  });

  test('a source without length answers 502; one refusing HEAD registers through a ranged GET', async () => {
    const none = await register({ location: server.url('/no-length/image.raw') });
    assert.equal(none.status, 502, none.text);
    assert.match(none.json().message, /without the object's length/);
    const noHead = await register({ location: server.url('/no-head/image.raw') });
    assert.equal(noHead.status, 201, noHead.text);
    assert.equal(noHead.json().image.size, server.image.length);
  });

  test('a server that stalls answers 502 after the idle timeout (timeoutSeconds: 1)', async () => {
    const started = Date.now();
    const res = await register({ location: server.url('/stall') });
    assert.equal(res.status, 502, res.text);
    assert.match(res.json().message, /did not answer within 1 s \(idle timeout\)/);
    assert.ok(Date.now() - started < 10_000);
  });

  test('the store is read-only: an upload answers 405, deleting removes only the record', async () => {
    const upload = await request('POST', `${visor.url}/images`, {
      headers: { 'content-type': 'application/octet-stream', 'x-image-meta-name': 'x', 'x-image-meta-architecture': 'x86_64', 'x-image-meta-store': 'mirrors' },
      body: Buffer.from('bytes'),
    });
    assert.equal(upload.status, 405, upload.text);
    assert.match(upload.json().message, /read-only/);
    const { image } = (await register({ location: server.url('/images/image.raw') })).json();
    const deleted = await request('DELETE', `${visor.url}/images/${image.id}`);
    assert.equal(deleted.status, 200, deleted.text);
    assert.equal((await get(`${visor.url}/images/${image.id}`)).status, 404);
    assert.ok(readFileSync(join(server.nginx.dir, 'www/images/image.raw')).equals(server.image));
  });

  test('redirectDownloads: a download answers 302 to the source URL', async () => {
    const { image } = (await register({ location: server.url('/images/image.raw'), store: 'redirecting' })).json();
    const res = await get(`${visor.url}/images/${image.id}`);
    assert.equal(res.status, 302);
    assert.equal(res.headers.location, server.url('/images/image.raw'));
  });

  test('a source changed after registration answers 502 naming the change, and the image goes to error', async () => {
    server.writeImage('changes.raw', randomBytes(4096), new Date('2024-03-01T00:00:00Z'));
    const { image } = (await register({ location: server.url('/images/changes.raw') })).json();
    server.writeImage('changes.raw', randomBytes(4096), new Date('2024-04-01T00:00:00Z'));
    const res = await get(`${visor.url}/images/${image.id}`);
    assert.equal(res.status, 502, res.text);
    assert.match(res.json().message, /changed in its store since it was registered: ETag "[^"]+" → "[^"]+", version Fri, 01 Mar 2024 00:00:00 GMT → Mon, 01 Apr 2024 00:00:00 GMT; the image is now in status 'error' and can be deleted and registered again/);
    assert.equal(await statusOf(image.id), 'error');
  });

  test('a source whose length changed answers 502 and the image goes to error', async () => {
    server.writeImage('shrinks.raw', randomBytes(4096));
    const { image } = (await register({ location: server.url('/images/shrinks.raw') })).json();
    server.writeImage('shrinks.raw', randomBytes(1000));
    const res = await get(`${visor.url}/images/${image.id}`);
    assert.equal(res.status, 502, res.text);
    assert.match(res.json().message, /1000 bytes, not the 4096/);
    assert.equal(await statusOf(image.id), 'error');
  });

  test('a source removed after registration: the download answers 502, the image goes to error and keeps its location', async () => {
    server.writeImage('removed.raw', randomBytes(2048));
    const { image } = (await register({ location: server.url('/images/removed.raw') })).json();
    rmSync(join(server.nginx.dir, 'www/images/removed.raw'));
    const res = await get(`${visor.url}/images/${image.id}`);
    assert.equal(res.status, 502, res.text);
    assert.match(res.json().message, /missing from its store; the image is now in status 'error' and can be deleted and registered again/);
    const meta = (await get(`${visor.url}/images/${image.id}/meta`)).json().image;
    assert.equal(meta.status, 'error');
    assert.equal(meta.location, server.url('/images/removed.raw'));
  });

  test('the header form: x-image-meta-location without a body', async () => {
    const res = await request('POST', `${visor.url}/images`, {
      body: Buffer.alloc(0),
      headers: {
        'content-type': 'application/octet-stream',
        'x-image-meta-name': 'Debian%2012',
        'x-image-meta-architecture': 'x86_64',
        'x-image-meta-store': 'mirrors',
        'x-image-meta-location': encodeURIComponent(server.url('/images/image.raw')),
      },
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json().image.status, 'available');
    assert.equal(res.json().image.name, 'Debian 12');
    assert.equal(res.json().image.size, server.image.length);
  });

  test('declared checksums are verified on the first full download: matching ones keep the image available', async () => {
    const bytes = randomBytes(300_000);
    server.writeImage('good.raw', bytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const checksum = createHash('md5').update(bytes).digest('hex');
    const res = await register({ location: server.url('/images/good.raw'), sha256, checksum });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json().image.sha256, sha256);
    assert.equal(res.json().image.checksum, checksum);
    const { id } = res.json().image;
    assert.ok((await get(`${visor.url}/images/${id}`)).body.equals(bytes));
    assert.equal(await statusOf(id), 'available');
    assert.ok((await get(`${visor.url}/images/${id}`)).body.equals(bytes));
  });

  test('a declared sha256 that the bytes do not match: the first full download ends short and the image goes to error', async () => {
    const bytes = randomBytes(300_000);
    server.writeImage('bad.raw', bytes);
    const wrong = createHash('sha256').update('something else').digest('hex');
    const { image } = (await register({ location: server.url('/images/bad.raw'), sha256: wrong })).json();
    // A range is no full download: served, nothing verified yet.
    assert.equal((await get(`${visor.url}/images/${image.id}`, { range: 'bytes=0-99' })).status, 206);
    assert.equal(await statusOf(image.id), 'available');
    const outcome = await get(`${visor.url}/images/${image.id}`).then(
      (res) => `answered ${res.status} with ${res.body.length} bytes`,
      (error: Error) => `failed: ${error.message}`,
    );
    assert.doesNotMatch(outcome, new RegExp(`with ${bytes.length} bytes`));
    assert.equal(await statusOf(image.id), 'error');
    const again = await get(`${visor.url}/images/${image.id}`);
    assert.equal(again.status, 409);
  });

  test('malformed declared checksums are refused naming the field', async () => {
    const res = await register({ location: server.url('/images/image.raw'), sha256: 'abc' });
    assert.equal(res.status, 400);
    assert.equal(res.json().field, 'sha256');
  });

  test('SSRF with the default options: loopback, [::1] and 169.254.169.254 are refused with 400 on location, nothing connects', async () => {
    const before = await count();
    for (const location of [`http://127.0.0.1:${listener.port}/x.raw`, `http://[::1]:${listener.port}/x.raw`, 'http://169.254.169.254/latest/meta-data/', `http://localhost:${listener.port}/x.raw`]) {
      const res = await register({ location, store: 'public' });
      assert.equal(res.status, 400, `${location}: ${res.text}`);
      assert.equal(res.json().field, 'location');
      assert.match(res.json().message, /refused to connect/);
    }
    assert.equal(listener.connections, 0);
    assert.equal(await count(), before);
  });

  test('URLs with credentials and other schemes are refused', async () => {
    const creds = await register({ location: `http://user:secret@127.0.0.1:${listener.port}/x.raw`, store: 'mirrors' });
    assert.equal(creds.status, 400, creds.text);
    assert.match(creds.json().message, /credentials/);
    assert.doesNotMatch(creds.text, /secret/);
    const ftp = await register({ location: 'ftp://127.0.0.1/x.raw' });
    assert.equal(ftp.status, 400, ftp.text);
    assert.equal(listener.connections, 0);
  });
});
