import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { VisorClient, VisorClientError, presign, type Image } from '../src/index.js';
import { chunkedReadable, digest, pattern, readAll } from './helpers/bytes.js';
import { type RunningVisor, startVisor } from './helpers/visor-server.js';

const MISSING = '0b7a0e36-1f7e-4d8e-9d51-7f2a7b2f9c11';
const TWO_MIB = 2 * 1024 * 1024;

async function rejectsWith(promise: Promise<unknown>, status: number, code: string, message?: RegExp): Promise<VisorClientError> {
  const error = await promise.then(
    () => assert.fail(`expected ${status} ${code}`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof VisorClientError, `not a VisorClientError: ${String(error)}`);
  assert.ok(error instanceof Error);
  assert.equal(error.status, status);
  assert.equal(error.code, code);
  if (message !== undefined) assert.match(error.message, message);
  return error;
}

// Both transports pass the same tests: node:http (the default) and a fetch function (the `fetch` option).
for (const transport of ['node:http', 'fetch'] as const) {
  const viaTransport = transport === 'fetch' ? { fetch: globalThis.fetch } : {};

  describe(`VisorClient over ${transport} against a real Visor server (access control on, signed with the admin keys)`, () => {
    let visor: RunningVisor;
    let client: VisorClient;
    let debian: Image;
    const file = pattern(TWO_MIB);

    before(async () => {
      visor = await startVisor();
      client = new VisorClient({ url: visor.url, ...visor.admin, ...viaTransport });
    });
    after(async () => {
      await visor?.stop();
    });

    it('status() reports a healthy service with its default store', async () => {
      const status = await client.status();
      assert.equal(status.status, 'ok');
      assert.match(status.version, /^\d+\.\d+\.\d+/);
      assert.equal(status.database.ok, true);
      assert.equal(status.backends[0]?.name, 'default');
      assert.deepEqual(status.images, {});
    });

    it('register() creates a locked image and keeps the types of custom properties', async () => {
      debian = await client.register({ name: 'Debian 12', architecture: 'x86_64', format: 'qcow2', access: 'public', distro: 'debian', release: 12, lts: true });
      assert.match(debian.id, /^[0-9a-f-]{36}$/);
      assert.equal(debian.status, 'locked');
      assert.equal(debian.uri, `${visor.url}/images/${debian.id}`);
      assert.equal(debian.release, 12);
      assert.equal(debian.lts, true);
      assert.equal(debian.size, null);
    });

    it('get() returns every field', async () => {
      const image = await client.get(debian.id);
      assert.deepEqual(image, debian);
    });

    it('head() returns the metadata from headers, percent-decoded', async () => {
      const meta = await client.head(debian.id);
      assert.equal(meta.id, debian.id);
      assert.equal(meta.name, 'Debian 12');
      assert.equal(meta.uri, debian.uri);
      assert.equal(meta.status, 'locked');
      assert.equal(meta.release, '12');
      assert.equal(meta.access_count, 0);
      assert.equal(meta.size, undefined);
    });

    it('update() changes fields and removes a property with null', async () => {
      const updated = await client.update(debian.id, { name: 'Debian 12.8', release: null, codename: 'bookworm' });
      assert.equal(updated.name, 'Debian 12.8');
      assert.equal(updated.codename, 'bookworm');
      assert.equal('release' in updated, false);
      assert.equal(updated.distro, 'debian');
      debian = updated;
    });

    it('upload() streams a 2 MiB Readable in chunks and the server checks the declared size and digests', async () => {
      const body = chunkedReadable(file, 64 * 1024);
      const image = await client.upload(debian.id, body, { size: TWO_MIB, checksum: digest('md5', file), sha256: digest('sha256', file) });
      assert.equal(body.produced(), 32);
      assert.equal(image.status, 'available');
      assert.equal(image.size, TWO_MIB);
      assert.equal(image.checksum, digest('md5', file));
      assert.equal(image.sha256, digest('sha256', file));
      debian = image;
    });

    it('upload() does not buffer a stream: the server is receiving before the body has ended', async () => {
      const target = await client.register({ name: 'streamed', architecture: 's390x' });
      const chunk = pattern(64 * 1024);
      let seenUploading = false;
      async function* body() {
        yield chunk;
        // The rest is produced only once the server shows the upload in progress: a client that
        // read the whole stream before sending would never get here, and this would time out.
        for (let tries = 0; tries < 100 && !seenUploading; tries += 1) {
          seenUploading = (await client.get(target.id)).status === 'uploading';
          if (!seenUploading) await new Promise((resolve) => setTimeout(resolve, 50));
        }
        if (!seenUploading) throw new Error('the server never saw the upload start');
        yield chunk;
      }
      const image = await client.upload(target.id, body(), { size: 2 * chunk.length });
      assert.equal(seenUploading, true);
      assert.equal(image.size, 2 * chunk.length);
      await client.delete(target.id);
    });

    it('download() streams the whole file back with its headers and metadata', async () => {
      const download = await client.download(debian.id);
      assert.equal(download.status, 200);
      assert.equal(download.headers.get('etag'), `"${debian.checksum}"`);
      assert.equal(download.headers.get('content-length'), String(TWO_MIB));
      assert.equal(download.meta.name, 'Debian 12.8');
      assert.equal(download.meta.size, TWO_MIB);
      const bytes = await readAll(download.stream);
      assert.equal(bytes.length, TWO_MIB);
      assert.ok(bytes.equals(file));
    });

    it('download({ range }) returns 206 and exactly the requested bytes', async () => {
      const download = await client.download(debian.id, { range: 'bytes=1048570-1048679' });
      assert.equal(download.status, 206);
      assert.equal(download.headers.get('content-range'), `bytes 1048570-1048679/${TWO_MIB}`);
      const bytes = await readAll(download.stream);
      assert.ok(bytes.equals(file.subarray(1048570, 1048680)));
    });

    it('download({ ifNoneMatch }) with the ETag answers 304 with an empty stream', async () => {
      const download = await client.download(debian.id, { ifNoneMatch: `"${debian.checksum}"` });
      assert.equal(download.status, 304);
      assert.equal((await readAll(download.stream)).length, 0);
    });

    it('upload() accepts an async iterable of strings and a Uint8Array', async () => {
      const a = await client.register({ name: 'iterable', architecture: 'aarch64' });
      async function* parts() {
        yield 'hello, ';
        yield Buffer.from('visor');
      }
      const uploadedA = await client.upload(a.id, parts());
      assert.equal(uploadedA.size, 12);
      assert.equal(uploadedA.checksum, digest('md5', Buffer.from('hello, visor')));

      const b = await client.register({ name: 'bytes', architecture: 'aarch64' });
      const uploadedB = await client.upload(b.id, new Uint8Array([1, 2, 3]), { size: 3 });
      assert.equal(uploadedB.sha256, digest('sha256', Buffer.from([1, 2, 3])));
      assert.ok((await readAll((await client.download(b.id)).stream)).equals(Buffer.from([1, 2, 3])));
    });

    it('registerWithFile() registers from percent-encoded headers and uploads in one request', async () => {
      const data = pattern(1000);
      const image = await client.registerWithFile(
        { name: 'Fedora 41 Cloud ü', architecture: 'x86_64', format: 'raw', build_id: '2024/10 25', ignored: null },
        chunkedReadable(data, 100),
        { checksum: digest('md5', data) },
      );
      assert.equal(image.status, 'available');
      assert.equal(image.name, 'Fedora 41 Cloud ü');
      assert.equal(image.build_id, '2024/10 25');
      assert.equal('ignored' in image, false);
      assert.equal(image.size, 1000);
    });

    it('a declared digest that does not match becomes a VisorClientError with the details', async () => {
      const locked = await client.register({ name: 'bad digest', architecture: 'x86_64' });
      const error = await rejectsWith(
        client.upload(locked.id, chunkedReadable(pattern(5000), 1000), { checksum: '0'.repeat(32) }),
        400,
        'BadDigest',
        /checksum mismatch/,
      );
      assert.equal(error.details.field, 'checksum');
      assert.equal((await client.get(locked.id)).status, 'locked');
    });

    it('list() filters, sorts and pages; detail lists every field', async () => {
      const page = await client.list({ architecture: 'aarch64' }, { sort: 'name', dir: 'desc' });
      assert.deepEqual(page.images.map((i) => i.name), ['iterable', 'bytes']);
      assert.equal(page.next, undefined);
      assert.equal('checksum' in page.images[0]!, false);

      const detail = await client.list({ distro: 'debian' }, { detail: true });
      assert.equal(detail.images.length, 1);
      assert.equal(detail.images[0]?.codename, 'bookworm');
      assert.equal(detail.images[0]?.checksum, debian.checksum);

      const first = await client.list({}, { sort: 'name', limit: 2 });
      assert.equal(first.images.length, 2);
      assert.ok(first.next?.includes("cursor="), "next carries a keyset cursor");
      const second = await client.list({}, { sort: 'name', limit: 2, marker: first.images[1]!.id });
      assert.notEqual(second.images[0]?.id, first.images[1]?.id);
    });

    it('listAll() follows next through every page', async () => {
      const all = await client.listAll({}, { sort: 'name', limit: 1 });
      const names = all.map((i) => i.name);
      assert.deepEqual(names, ['Debian 12.8', 'Fedora 41 Cloud ü', 'bad digest', 'bytes', 'iterable']);
      const detailed = await client.listAll({ architecture: 'aarch64' }, { limit: 1, detail: true });
      assert.equal(detailed.length, 2);
      assert.ok(detailed.every((i) => typeof i.created_at === 'string'));
    });

    it('server errors map to VisorClientError: documents, HEAD headers and router errors', async () => {
      await rejectsWith(client.get(MISSING), 404, 'NotFound', new RegExp(`image '${MISSING}' not found`));
      await rejectsWith(client.head(MISSING), 404, 'NotFound', new RegExp(`image '${MISSING}' not found`));
      const invalid = await rejectsWith(client.list({}, { sort: 'colour' }), 400, 'InvalidField', /cannot sort by 'colour'/);
      assert.equal(invalid.details.field, 'sort');
      assert.ok(Array.isArray(invalid.details.allowed));
      const locked = (await client.listAll({ name: 'bad digest' }))[0]!;
      await rejectsWith(client.download(locked.id), 409, 'Conflict', /status is 'locked'/);
      await rejectsWith(client.register({ name: 'x', architecture: 'sparc' as 'x86_64' }), 400, 'InvalidField', /architecture/);
      const refused = await rejectsWith(
        client.registerWithFile({ name: 'x', architecture: 'sparc' as 'x86_64' }, Buffer.alloc(1000)),
        400,
        'InvalidField',
        /architecture/,
      );
      assert.equal(refused.details.field, 'architecture');
    });

    it('delete() returns the image as it was, then it is gone', async () => {
      const deleted = await client.delete(debian.id);
      assert.equal(deleted.id, debian.id);
      assert.equal(deleted.name, 'Debian 12.8');
      await rejectsWith(client.get(debian.id), 404, 'NotFound');
      await rejectsWith(client.delete(debian.id), 404, 'NotFound');
    });

    it('an unsigned client is refused with 401, except for /status', async () => {
      const unsigned = new VisorClient({ url: `${visor.url}/`, ...viaTransport });
      assert.equal((await unsigned.status()).status, 'ok');
      await rejectsWith(unsigned.listAll({ architecture: 'aarch64' }), 401, 'Unauthorized');
    });

    it('presignedUrl() is computed locally from the keys and the clock', () => {
      const now = new Date('2026-11-25T00:00:00Z');
      const signed = new VisorClient({ url: visor.url, accessKey: 'alice', secretKey: 'shh-secret', now: () => now, ...viaTransport });
      const url = new URL(signed.presignedUrl(MISSING, 600));
      const expires = now.getTime() / 1000 + 600;
      assert.equal(`${url.origin}${url.pathname}`, `${visor.url}/images/${MISSING}`);
      assert.equal(url.search, `?${presign('alice', 'shh-secret', 'GET', `/images/${MISSING}`, expires)}`);
      assert.equal(url.searchParams.get('expires'), String(expires));
      assert.notEqual(new URL(signed.presignedUrl(MISSING, 600, 'HEAD')).search, url.search);
      assert.throws(() => new VisorClient({ url: visor.url }).presignedUrl(MISSING, 600), TypeError);
      assert.throws(() => signed.presignedUrl(MISSING, 0), RangeError);
    });

    it('an unreachable server is a VisorClientError with status 0 and code NetworkError', async () => {
      const gone = new VisorClient({ url: 'http://127.0.0.1:1', ...viaTransport });
      const error = await rejectsWith(gone.status(), 0, 'NetworkError', /GET http:\/\/127\.0\.0\.1:1\/status failed/);
      assert.ok(error.cause !== undefined);
    });
  });
}
