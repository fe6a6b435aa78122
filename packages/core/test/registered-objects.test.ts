import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, describe, it } from 'node:test';
import { get, request } from '@visor/test-support';
import {
  InvalidKeyError,
  ObjectNotFoundError,
  READ_ONLY_SOURCE,
  ReadOnlyBackendError,
  type Backend,
  type BackendPlugin,
} from '@visor/plugin-api';
import { startVisor, X86, type TestVisor } from './helpers/test-visor.js';

/** An object of the source below: its bytes and the ETag and version the source reports for it. */
interface SourceObject {
  data: Buffer;
  etag: string;
  version: string;
}

/** A read-only source over a map (`src://<key>`), reporting ETag and version in stat and get, as an HTTP or S3 source would. */
function sourcePlugin(objects: Map<string, SourceObject>): BackendPlugin {
  return {
    kind: 'backend',
    type: 'test-source',
    apiVersion: '1.0',
    create(_options, context): Backend {
      const name = context.name;
      const find = (location: string) => {
        if (!location.startsWith('src://')) throw new InvalidKeyError(name, location, 'not src://');
        const object = objects.get(location.slice('src://'.length));
        if (!object) throw new ObjectNotFoundError(name, location);
        return object;
      };
      const info = (o: SourceObject) => ({ size: o.data.length, etag: o.etag, version: o.version });
      return {
        name,
        type: 'test-source',
        capabilities: READ_ONLY_SOURCE,
        ownsLocation: (location) => location.startsWith('src://'),
        async put(key) {
          throw new ReadOnlyBackendError(name, key);
        },
        async delete(location) {
          throw new ReadOnlyBackendError(name, location);
        },
        async stat(location) {
          return info(find(location));
        },
        async get(location, options = {}) {
          const o = find(location);
          const { range } = options;
          return { body: Readable.from([range ? o.data.subarray(range.start, range.end + 1) : o.data]), info: info(o) };
        },
        async health() {
          return { ok: true };
        },
      };
    },
  };
}

describe('images registered by location: recorded ETag/version, declared digests', () => {
  let t: TestVisor | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function start(objects: Map<string, SourceObject>): Promise<TestVisor> {
    t = await startVisor({ stores: { default: { backend: 'fs' }, source: { backend: sourcePlugin(objects) } } });
    return t;
  }
  const register = (visor: TestVisor, image: Record<string, unknown>) => request('POST', `${visor.url}/images`, { body: { image: { ...X86, ...image } } });
  const statusOf = async (visor: TestVisor, id: string) => (await get(`${visor.url}/images/${id}/meta`)).json().image.status as string;

  it('an object whose ETag or version changed since registration answers 502 naming the change and the image goes to error', async () => {
    const objects = new Map([['a', { data: randomBytes(1000), etag: '"1"', version: 'v1' }], ['b', { data: randomBytes(1000), etag: '"1"', version: 'v1' }]]);
    const visor = await start(objects);
    const a = (await register(visor, { location: 'src://a' })).json().image;
    const b = (await register(visor, { location: 'src://b' })).json().image;
    assert.equal((await get(`${visor.url}/images/${a.id}`)).status, 200, 'unchanged: served');
    objects.set('a', { ...objects.get('a')!, etag: '"2"' });
    objects.set('b', { ...objects.get('b')!, version: 'v2' });
    const changedA = await get(`${visor.url}/images/${a.id}`);
    assert.equal(changedA.status, 502);
    assert.match(changedA.json().message, /changed in its store since it was registered: ETag "1" → "2"; the image is now in status 'error' and can be deleted and registered again/);
    const changedB = await get(`${visor.url}/images/${b.id}`, { range: 'bytes=0-9' });
    assert.equal(changedB.status, 502);
    assert.match(changedB.json().message, /version v1 → v2/);
    assert.equal(await statusOf(visor, a.id), 'error');
    assert.equal(await statusOf(visor, b.id), 'error');
  });

  it('declared digests are shown, verified on the first full download, and a mismatch ends that download short and marks the image error', async () => {
    const good = randomBytes(200_000);
    const bad = randomBytes(200_000);
    const objects = new Map([['good', { data: good, etag: '"g"', version: 'v' }], ['bad', { data: bad, etag: '"b"', version: 'v' }]]);
    const visor = await start(objects);
    const md5 = createHash('md5').update(good).digest('hex');
    const sha256 = createHash('sha256').update(good).digest('hex');
    const ok = (await register(visor, { location: 'src://good', checksum: md5.toUpperCase(), sha256 })).json().image;
    assert.equal(ok.checksum, md5);
    assert.equal(ok.sha256, sha256);
    assert.ok((await get(`${visor.url}/images/${ok.id}`)).body.equals(good));
    assert.equal(await statusOf(visor, ok.id), 'available');

    const wrong = (await register(visor, { location: 'src://bad', sha256 })).json().image;
    const outcome = await get(`${visor.url}/images/${wrong.id}`).then(
      (res) => `${res.status}: ${res.body.length} bytes`,
      (error: Error) => `failed: ${error.message}`,
    );
    assert.notEqual(outcome, `200: ${bad.length} bytes`, 'the whole of a mismatching object reached the client');
    assert.equal(await statusOf(visor, wrong.id), 'error');
  });

  it('malformed declared digests are refused naming the field; nothing is registered', async () => {
    const visor = await start(new Map([['a', { data: randomBytes(10), etag: '"1"', version: 'v1' }]]));
    const res = await register(visor, { location: 'src://a', checksum: 'not-hex' });
    assert.equal(res.status, 400);
    assert.equal(res.json().field, 'checksum');
    assert.equal((await get(`${visor.url}/images`)).json().images.length, 0);
  });

  it('the header form: x-image-meta-location (and a declared checksum) without a body, verified on the first download', async () => {
    const data = randomBytes(5000);
    const visor = await start(new Map([['h', { data, etag: '"h"', version: 'v' }]]));
    const md5 = createHash('md5').update(data).digest('hex');
    const res = await request('POST', `${visor.url}/images`, {
      headers: {
        'content-type': 'application/octet-stream',
        'x-image-meta-name': 'From%20headers',
        'x-image-meta-architecture': 'x86_64',
        'x-image-meta-location': 'src%3A%2F%2Fh',
        'x-image-meta-checksum': md5,
      },
      body: Buffer.alloc(0),
    });
    assert.equal(res.status, 201, res.text);
    const image = res.json().image;
    assert.equal(image.name, 'From headers');
    assert.equal(image.status, 'available');
    assert.equal(image.store, 'source');
    assert.equal(image.checksum, md5);
    assert.ok((await get(`${visor.url}/images/${image.id}`)).body.equals(data));
  });
});
