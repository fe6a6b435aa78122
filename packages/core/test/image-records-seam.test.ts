import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { createHooks, READ_ONLY_SOURCE, silentLogger, type Image, type ImageStatus } from '../src/index.js';
import { AfterHooks } from '../src/hooks/after-hooks.js';
import type { ImageDeps } from '../src/images/image-deps.js';
import { ImageService } from '../src/images/image-service.js';
import type { ImageRecords, RegisteredObject } from '../src/metadata/image-records.js';
import { StoreBackend } from '../src/stores/store-backend.js';

/** Just enough of ImageRecords, in memory, for registration, reads, downloads and deletes. */
class MemoryRecords implements Partial<ImageRecords> {
  readonly images = new Map<string, Image>();
  async find(id: string) {
    return this.images.get(id);
  }
  async exists(id: string) {
    return this.images.get(id);
  }
  async insert(image: Image) {
    this.images.set(image.id, image);
  }
  readonly registered = new Map<string, RegisteredObject>();
  async insertRegistered(image: Image, object: RegisteredObject) {
    this.images.set(image.id, image);
    this.registered.set(image.id, object);
  }
  async registeredObject(id: string) {
    return this.registered.get(id);
  }
  async markDigestsVerified(id: string) {
    const object = this.registered.get(id);
    if (object) this.registered.set(id, { ...object, digestsVerified: true });
  }
  async remove(id: string) {
    return this.images.delete(id);
  }
  async referencing() {
    return [];
  }
  async markLost(id: string, _now: string, fileGone: boolean) {
    const image = this.images.get(id)!;
    this.images.set(id, { ...image, status: 'error' as ImageStatus, location: fileGone ? null : image.location });
  }
}

describe('the image operations take their records through ImageRecords', () => {
  it('run without a database: register by location, download, delete from a read-only store', async () => {
    const objects = new Map([['a.img', Buffer.from('0123456789')]]);
    const source = StoreBackend.wrap(
      {
        name: 'mirror',
        type: 'memory-source',
        capabilities: READ_ONLY_SOURCE,
        ownsLocation: (location) => location.startsWith('ro://mirror/'),
        put: async () => assert.fail('never written'),
        get: async (location, options = {}) => {
          const data = objects.get(location.slice('ro://mirror/'.length))!;
          const part = options.range ? data.subarray(options.range.start, options.range.end + 1) : data;
          return { body: Readable.from([part]), info: { size: data.length } };
        },
        stat: async (location) => ({ size: objects.get(location.slice('ro://mirror/'.length))!.length }),
        delete: async () => assert.fail('never deleted'),
        health: async () => ({ ok: true }),
      },
      'memory-source',
      silentLogger,
    );
    const hooks = createHooks();
    const records = new MemoryRecords();
    const deps: ImageDeps = {
      metadata: records as unknown as ImageRecords,
      backends: new Map([['mirror', source]]),
      defaultStore: 'mirror',
      maxImageBytes: null,
      hooks,
      afterHooks: new AfterHooks(hooks, silentLogger),
      logger: silentLogger,
      instanceId: randomUUID(),
      unfinishedRollbacks: new Map(),
      uploadsInFlight: new Set(),
    };
    const images = new ImageService(deps);
    const image = await images.register({ name: 'a', architecture: 'x86_64', location: 'ro://mirror/a.img' });
    assert.equal(image.status, 'available');
    assert.equal(image.size, 10);
    const download = await images.download(image.id, { start: 2, end: 4 });
    const chunks: Buffer[] = [];
    for await (const chunk of download.stream) chunks.push(chunk as Buffer);
    assert.equal(Buffer.concat(chunks).toString(), '234');
    download.finish({ bytes: 3, outcome: 'completed' });
    await images.delete(image.id);
    assert.equal(records.images.size, 0);
    assert.ok(objects.has('a.img'), 'the read-only store kept its object');
    await images.settle();
  });
});
