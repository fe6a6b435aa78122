import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { after, afterEach, before, describe, it } from 'node:test';
import { get, request } from '@visor/test-support';
import { ConfigError, ForbiddenError, PluginError, type Image, type TransferStats } from '../src/index.js';
import { newStoreState, ObjectServer, objectStorePlugin, type ObjectStoreState } from './helpers/object-store-backend.js';
import { extension } from './helpers/plugin-kit.js';
import { startVisor, X86, type TestVisor } from './helpers/test-visor.js';
import { waitFor } from './helpers/wait-for.js';

const octet = { 'content-type': 'application/octet-stream' };

/** Sends a body with chunked transfer encoding: no Content-Length, as a streaming client would. */
function putChunked(url: string, data: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'PUT', headers: { ...octet, 'transfer-encoding': 'chunked' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

describe('stores declare capabilities; the core decides from them', () => {
  const server = new ObjectServer();
  let t: TestVisor | undefined;
  before(() => server.start());
  after(() => server.stop());
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function uploaded(state: ObjectStoreState, store = 'default', image: Record<string, unknown> = X86): Promise<{ image: Image; data: Buffer }> {
    const created = (await request('POST', `${t!.url}/images`, { body: { image: { ...image, store } } })).json().image as Image;
    const data = randomBytes(20_000);
    const res = await request('PUT', `${t!.url}/images/${created.id}`, { headers: octet, body: data });
    assert.equal(res.status, 200, res.text);
    assert.ok(state.objects.has(created.id));
    return { image: res.json().image as Image, data };
  }

  it('a store without positional reads serves downloads and ranges from get()', async () => {
    const state = newStoreState();
    t = await startVisor({ stores: { default: { backend: objectStorePlugin(state) } } });
    const { image, data } = await uploaded(state);
    const whole = await get(`${t.url}/images/${image.id}`);
    assert.equal(whole.status, 200);
    assert.ok(whole.body.equals(data));
    const part = await get(`${t.url}/images/${image.id}`, { range: 'bytes=100-199' });
    assert.equal(part.status, 206);
    assert.ok(part.body.equals(data.subarray(100, 200)));
  });

  it('put receives the declared size, the limit and the declared digests', async () => {
    const state = newStoreState();
    t = await startVisor({ stores: { default: { backend: objectStorePlugin(state) } }, limits: { maxImageBytes: 1_000_000 } });
    const created = (await request('POST', `${t.url}/images`, { body: { image: X86 } })).json().image as Image;
    const data = Buffer.from('declared bytes');
    const md5 = (await import('node:crypto')).createHash('md5').update(data).digest('hex');
    const res = await request('PUT', `${t.url}/images/${created.id}`, { headers: { ...octet, 'x-image-meta-checksum': md5 }, body: data });
    assert.equal(res.status, 200, res.text);
    assert.equal(state.puts.length, 1);
    assert.equal(state.puts[0]!.size, data.length);
    assert.equal(state.puts[0]!.maxBytes, 1_000_000);
    assert.equal(state.puts[0]!.md5, md5);
  });

  it('a stored object whose size differs from the record is caught before the head goes out, on the get() path', async () => {
    const state = newStoreState();
    t = await startVisor({ stores: { default: { backend: objectStorePlugin(state) } } });
    const { image } = await uploaded(state);
    state.reportedSize = 5;
    const res = await get(`${t.url}/images/${image.id}`);
    assert.equal(res.status, 502);
    assert.match(res.json().message, /has 5 bytes, not the 20000 its record says/);
    assert.equal((await get(`${t.url}/images/${image.id}/meta`)).json().image.status, 'error');
  });

  it('a store needing the size up front refuses a body of unknown length with 411, and takes one with a length', async () => {
    const state = newStoreState();
    t = await startVisor({ stores: { default: { backend: objectStorePlugin(state, { sizeRequired: true }) } } });
    const created = (await request('POST', `${t.url}/images`, { body: { image: X86 } })).json().image as Image;
    const refused = await putChunked(`${t.url}/images/${created.id}`, randomBytes(1000));
    assert.equal(refused.status, 411);
    assert.match(JSON.parse(refused.body).message, /store 'default' needs the image's size before the upload starts/);
    assert.equal(state.puts.length, 0, 'the store was never asked');
    assert.equal((await get(`${t.url}/images/${created.id}/meta`)).json().image.status, 'locked');
    const data = randomBytes(1000);
    assert.equal((await request('PUT', `${t.url}/images/${created.id}`, { headers: octet, body: data })).status, 200);
    assert.equal(state.puts[0]!.size, 1000);
  });

  describe('redirected downloads', () => {
    it('a store configured to redirect answers 302 to its own URL, which serves the bytes, after access control; tracking records it', async () => {
      const state = newStoreState();
      const downloads: Array<[string, TransferStats]> = [];
      t = await startVisor({
        stores: { default: { backend: objectStorePlugin(state, { redirects: { server, redirectDownloads: true } }) } },
        plugins: [
          extension('guard', (host) => {
            host.hooks.authorizeImage.tap('guard', ({ image, action }) => (action === 'download' && image.properties.secret === 'yes' ? 'deny' : undefined));
            host.hooks.afterDownload.tap('guard', (image, stats) => void downloads.push([image.id, stats]));
          }),
          'tracking',
        ],
      });
      const { image, data } = await uploaded(state);
      const res = await get(`${t.url}/images/${image.id}`);
      assert.equal(res.status, 302);
      const location = res.headers.location!;
      assert.ok(location.startsWith(`${server.url}/default/${image.id}?expires=`), location);
      assert.equal(res.body.length, 0);
      const followed = await fetch(`${t.url}/images/${image.id}`);
      assert.equal(followed.status, 200);
      assert.ok(Buffer.from(await followed.arrayBuffer()).equals(data), 'the redirect serves the image bytes');

      await waitFor('two redirected downloads', () => downloads.length === 2);
      assert.deepEqual(downloads[0], [image.id, { bytes: 0, outcome: 'redirected', durationMs: downloads[0]![1].durationMs }]);
      const history = await waitFor('the tracked download', async () => {
        const events = (await get(`${t!.url}/images/${image.id}/history`)).json().history as Array<{ action: string; outcome: string }>;
        return events.some((e) => e.action === 'downloaded') ? events : undefined;
      });
      assert.equal(history.find((e) => e.action === 'downloaded')!.outcome, 'redirected');

      // Access control runs first: a refused download is never redirected.
      const secret = await uploaded(state, 'default', { ...X86, secret: 'yes' });
      assert.equal((await get(`${t.url}/images/${secret.image.id}`)).status, 403);
      assert.ok(!server.requests.some((r) => r.includes(secret.image.id)));
    });

    it('a beforeDownload tap may answer with a redirect (a CDN); an in-process download still gets the bytes', async () => {
      t = await startVisor({
        plugins: [
          extension('cdn', (host) => {
            host.hooks.beforeDownload.tap('cdn', (image) => ({ redirect: `https://cdn.example/images/${image.id}` }));
          }),
        ],
      });
      const created = (await request('POST', `${t.url}/images`, { body: { image: X86 } })).json().image as Image;
      const data = randomBytes(3000);
      assert.equal((await request('PUT', `${t.url}/images/${created.id}`, { headers: octet, body: data })).status, 200);
      const res = await get(`${t.url}/images/${created.id}`);
      assert.equal(res.status, 302);
      assert.equal(res.headers.location, `https://cdn.example/images/${created.id}`);
      const download = await t.visor.images.download(created.id);
      const chunks: Buffer[] = [];
      for await (const chunk of download.stream) chunks.push(chunk as Buffer);
      download.finish({ bytes: data.length, outcome: 'completed' });
      assert.ok(Buffer.concat(chunks).equals(data));
    });

    it('a beforeDownload tap that throws refuses the download, redirect or not', async () => {
      const state = newStoreState();
      t = await startVisor({
        stores: { default: { backend: objectStorePlugin(state, { redirects: { server, redirectDownloads: true } }) } },
        plugins: [extension('no', (host) => host.hooks.beforeDownload.tap('no', () => { throw new ForbiddenError('not today'); }))],
      });
      const { image } = await uploaded(state);
      const res = await get(`${t.url}/images/${image.id}`);
      assert.equal(res.status, 403);
      assert.match(res.json().message, /not today/);
    });

    it('a store that can redirect but is not configured to streams as before', async () => {
      const state = newStoreState();
      t = await startVisor({ stores: { default: { backend: objectStorePlugin(state, { redirects: { server, redirectDownloads: false } }) } } });
      const { image, data } = await uploaded(state);
      const res = await get(`${t.url}/images/${image.id}`);
      assert.equal(res.status, 200);
      assert.ok(res.body.equals(data));
    });
  });

  describe('read-only stores', () => {
    const start = async (state: ObjectStoreState) =>
      startVisor({
        stores: { default: { backend: 'fs' }, mirror: { backend: objectStorePlugin(state, { readOnly: true }) } },
      });

    it('register an image by a location the store owns: routed to it, size from the store, available at once; bytes served', async () => {
      const state = newStoreState();
      const data = randomBytes(4096);
      state.objects.set('debian.qcow2', data);
      t = await start(state);
      const res = await request('POST', `${t.url}/images`, { body: { image: { ...X86, location: 'ro://mirror/debian.qcow2' } } });
      assert.equal(res.status, 201, res.text);
      const image = res.json().image;
      assert.equal(image.store, 'mirror', 'routed to the store that owns the location');
      assert.equal(image.status, 'available');
      assert.equal(image.size, 4096);
      assert.equal(image.location, 'ro://mirror/debian.qcow2');
      const download = await get(`${t.url}/images/${image.id}`);
      assert.equal(download.status, 200);
      assert.ok(download.body.equals(data));

      const deleted = await request('DELETE', `${t.url}/images/${image.id}`);
      assert.equal(deleted.status, 200);
      assert.equal((await get(`${t.url}/images/${image.id}/meta`)).status, 404);
      assert.ok(state.objects.has('debian.qcow2'), 'deleting the image removed only its record');
    });

    it('the x-image-meta header form registers by location too, with the declared digests, reading no body', async () => {
      const state = newStoreState();
      const data = Buffer.from('a distribution image');
      state.objects.set('debian.raw', data);
      t = await start(state);
      const md5 = (await import('node:crypto')).createHash('md5').update(data).digest('hex');
      const headers = {
        ...octet,
        'x-image-meta-name': 'Debian',
        'x-image-meta-architecture': 'x86_64',
        'x-image-meta-location': encodeURIComponent('ro://mirror/debian.raw'),
        'x-image-meta-checksum': md5,
      };
      const res = await request('POST', `${t.url}/images`, { headers, body: Buffer.alloc(0) });
      assert.equal(res.status, 201, res.text);
      const image = res.json().image;
      assert.deepEqual([image.store, image.status, image.size, image.checksum], ['mirror', 'available', data.length, md5]);
      const download = await get(`${t.url}/images/${image.id}`);
      assert.equal(download.headers.etag, `"${md5}"`);
      assert.ok(download.body.equals(data));
      const bad = await request('POST', `${t.url}/images`, { body: { image: { ...X86, location: 'ro://mirror/debian.raw', sha256: 'abc' } } });
      assert.equal(bad.status, 400);
      assert.equal(bad.json().field, 'sha256');
    });

    it('refuses uploads (405) and registration without a location (405), naming the store', async () => {
      const state = newStoreState();
      t = await start(state);
      const plain = await request('POST', `${t.url}/images`, { body: { image: { ...X86, store: 'mirror' } } });
      assert.equal(plain.status, 405);
      assert.match(plain.json().message, /store 'mirror' is read-only: register images in it with a 'location'/);
      const withFile = await request('POST', `${t.url}/images`, { headers: { ...octet, 'x-image-meta-name': 'x', 'x-image-meta-architecture': 'x86_64', 'x-image-meta-store': 'mirror' }, body: Buffer.from('abc') });
      assert.equal(withFile.status, 405);
      assert.match(withFile.json().message, /store 'mirror' is read-only: it takes no uploads/);
      assert.equal((await get(`${t.url}/images`)).json().images.length, 0, 'nothing registered');
    });

    it('a location no store owns, or owned by another store than the one named, is refused naming the location', async () => {
      const state = newStoreState();
      state.objects.set('a', Buffer.from('a'));
      t = await start(state);
      const nobody = await request('POST', `${t.url}/images`, { body: { image: { ...X86, location: 'https://elsewhere.example/x.img' } } });
      assert.equal(nobody.status, 400);
      assert.equal(nobody.json().field, 'location');
      assert.match(nobody.json().message, /no configured store serves the location 'https:\/\/elsewhere.example\/x.img'/);
      const wrong = await request('POST', `${t.url}/images`, { body: { image: { ...X86, store: 'default', location: 'ro://mirror/a' } } });
      assert.equal(wrong.status, 400);
      assert.match(wrong.json().message, /store 'default' takes no registered locations/);
      const missing = await request('POST', `${t.url}/images`, { body: { image: { ...X86, location: 'ro://mirror/nothing-here' } } });
      assert.equal(missing.status, 404);
      assert.equal((await get(`${t.url}/images`)).json().images.length, 0, 'nothing registered');
    });
  });

  describe('plugins', () => {
    it('a plugin built for another major plugin API version is refused, naming both versions', async () => {
      const state = newStoreState();
      const future = { ...objectStorePlugin(state), apiVersion: '2.0' };
      await assert.rejects(
        startVisor({ stores: { default: { backend: future } } }),
        (error: unknown) => error instanceof ConfigError && /built for plugin API 2\.0, and this Visor runs plugin API 1\.0/.test(error.message),
      );
    });

    it('a plugin reports a bad option as a ConfigError naming plugins[i].options.x', async () => {
      await assert.rejects(
        startVisor({ plugins: ['tracking', { name: 'auth', options: { anonymousRead: 'yes' } }] }),
        (error: unknown) => error instanceof ConfigError && error.key === 'plugins[1].options.anonymousRead',
      );
      await assert.rejects(
        startVisor({ plugins: [{ name: 'tracking', options: { statsDays: 0 } }] }),
        (error: unknown) => error instanceof ConfigError && error.key === 'plugins[0].options.statsDays',
      );
    });

    it('error codes a backend declares answer with their status; a code that already means another status is refused', async () => {
      const state = newStoreState();
      t = await startVisor({ stores: { default: { backend: objectStorePlugin(state, { errorCodes: { TooManyRequests: 429 } }) } } });
      const { image } = await uploaded(state);
      state.failGetWith = 'TooManyRequests';
      const res = await get(`${t.url}/images/${image.id}`);
      assert.equal(res.status, 429);
      assert.equal(res.json().code, 'TooManyRequests');
      await assert.rejects(
        startVisor({ stores: { default: { backend: objectStorePlugin(newStoreState(), { errorCodes: { NotFound: 410 } }) } } }),
        (error: unknown) => error instanceof PluginError && /error code 'NotFound' already answers 404; it cannot answer 410 too/.test(error.message),
      );
    });

    it('a backend whose capability declaration is unsound is refused with a PluginError naming the problem', async () => {
      const state = newStoreState();
      const plugin = objectStorePlugin(state);
      const liar = {
        ...plugin,
        create: async (options: Record<string, unknown>, context: Parameters<typeof plugin.create>[1]) => {
          const backend = await plugin.create(options, context);
          return { ...backend, capabilities: { ...backend.capabilities, positionalReads: true } };
        },
      };
      await assert.rejects(
        startVisor({ stores: { default: { backend: liar } } }),
        (error: unknown) => error instanceof PluginError && /capabilities\.positionalReads is declared but openReader\(\) is missing/.test(error.message),
      );
    });
  });
});
