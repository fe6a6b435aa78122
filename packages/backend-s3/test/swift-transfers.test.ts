import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { CreateMultipartUploadCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { BackendUnavailableError } from '@visor/plugin-api';
import { MiB } from '../src/options.js';
import type { S3Backend } from '../src/index.js';
import { createBackend, listRaw, swiftTarget, type S3Target } from './support/s3-target.js';
import { chunks, failingAfter, md5, randomBytes } from './support/sources.js';

const PART = 5 * MiB;

async function readObject(target: S3Target, key: string): Promise<Buffer> {
  const output = await target.admin.send(new GetObjectCommand({ Bucket: target.bucket, Key: key }));
  return Buffer.from(await output.Body!.transformToByteArray());
}

describe('s3 on Swift: transfers', () => {
  let target: S3Target;
  before(async () => {
    target = await swiftTarget();
  });
  after(() => target?.stop());

  describe('multipart boundaries (5 MiB parts), each object read back byte for byte', () => {
    let backend: S3Backend;
    const stored = new Map<string, Buffer>();
    before(async () => {
      backend = await createBackend(target);
    });
    after(() => backend?.close());

    const cases: Array<[string, number, boolean, number]> = [
      // name, size, size declared, parts (0: one PutObject)
      ['0 bytes', 0, true, 0],
      ['0 bytes, size not declared', 0, false, 0],
      ['1 byte', 1, true, 0],
      ['one byte under a part', PART - 1, true, 0],
      ['exactly one part', PART, true, 0],
      ['one byte over a part', PART + 1, true, 2],
      ['one byte over a part, size not declared', PART + 1, false, 2],
      ['two parts and a byte', 2 * PART + 1, false, 3],
    ];
    for (const [name, size, declared, parts] of cases) {
      it(`${name}: ${parts === 0 ? 'one PutObject' : `a multipart upload of ${parts} parts`}`, async () => {
        const data = randomBytes(size);
        const key = randomUUID();
        const put = await backend.put(key, chunks(data), declared ? { size } : {});
        assert.equal(put.size, size);
        if (parts === 0) assert.equal(put.etag, `"${md5(data)}"`, 'a single PutObject has the MD5 as its ETag');
        else assert.match(put.etag ?? '', new RegExp(`^"[0-9a-f]{32}-${parts}"$`), 'a multipart ETag ends with the part count');
        stored.set(backend.locations.objectKey(key), data);
        const { body, info } = await backend.get(put.location);
        assert.equal(info.size, size);
        assert.equal(info.etag, put.etag);
        const back: Buffer[] = [];
        for await (const chunk of body) back.push(chunk as Buffer);
        assert.ok(Buffer.concat(back).equals(data), 'the backend read back other bytes');
      });
    }

    it('every stored object holds exactly the bytes sent (no aws-chunked framing or trailer stored), read with a plain client', async () => {
      const listed = await target.admin.send(new ListObjectsV2Command({ Bucket: target.bucket, Prefix: backend.options.prefix }));
      const keys = (listed.Contents ?? []).map((object) => object.Key!).sort();
      assert.deepEqual(keys, [...stored.keys()].sort());
      for (const object of listed.Contents ?? []) {
        const data = stored.get(object.Key!)!;
        assert.equal(object.Size, data.length, `${object.Key}: listed size`);
        assert.ok((await readObject(target, object.Key!)).equals(data), `${object.Key}: bytes differ`);
      }
    });
  });

  it("why the checksum setting: with the SDK's default (WHEN_SUPPORTED) a streamed PutObject goes aws-chunked, which Swift refuses", async () => {
    const defaults = new S3Client({ endpoint: target.endpoint, region: target.region, forcePathStyle: true, credentials: target.credentials, maxAttempts: 1 });
    try {
      const data = randomBytes(1000);
      await assert.rejects(
        defaults.send(new PutObjectCommand({ Bucket: target.bucket, Key: `defaults/${randomUUID()}`, Body: Readable.from([data]), ContentLength: data.length })),
        (error: unknown) => (error as Error).name === 'NotImplemented' && /aws-chunked/.test((error as Error).message),
      );
    } finally {
      defaults.destroy();
    }
    const backend = await createBackend(target);
    try {
      const data = randomBytes(1000);
      const { location } = await backend.put(randomUUID(), Readable.from([data]), { size: 1000 });
      assert.ok((await readObject(target, backend.locations.objectKey(backend.locations.keyOf(location)))).equals(data));
    } finally {
      await backend.close();
    }
  });

  describe('failures leave no multipart upload and no object behind', () => {
    let backend: S3Backend;
    before(async () => {
      backend = await createBackend(target);
    });
    after(() => backend?.close());

    it('the source fails after two parts went up: put rejects with its error, the upload is aborted', async () => {
      const broken = new Error('the client went away');
      const key = randomUUID();
      await assert.rejects(backend.put(key, failingAfter(randomBytes(2 * PART + MiB), broken)), (error) => error === broken);
      assert.deepEqual(await target.pendingUploads(backend.options.prefix), []);
      assert.deepEqual(await listRaw(target, backend), []);
    });

    it('the signal aborts midway through the third part: put rejects, the upload is aborted, the source is not read to its end', async () => {
      const controller = new AbortController();
      const data = randomBytes(8 * PART);
      let read = 0;
      const source = chunks(data);
      source.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > 2 * PART + MiB) controller.abort();
      });
      await assert.rejects(backend.put(randomUUID(), source, { signal: controller.signal }), { name: 'AbortError' });
      assert.ok(read < data.length, 'the whole source was read despite the abort');
      assert.deepEqual(await target.pendingUploads(backend.options.prefix), []);
      assert.deepEqual(await listRaw(target, backend), []);
    });

    it('a source shorter than the declared size: put rejects, nothing is completed or left', async () => {
      const data = randomBytes(PART + 10);
      await assert.rejects(backend.put(randomUUID(), chunks(data), { size: PART + 11 }), /ended after 5242890 bytes; 5242891 were declared/);
      assert.deepEqual(await listRaw(target, backend), []);
    });

    it('a source longer than the declared size: put rejects as soon as it passes the size', async () => {
      const data = randomBytes(3 * PART);
      await assert.rejects(backend.put(randomUUID(), chunks(data), { size: PART + 1 }), /more than the 5242881 bytes declared/);
      assert.deepEqual(await listRaw(target, backend), []);
    });

    it('a failed put to an existing key leaves the old object readable', async () => {
      const key = randomUUID();
      const original = randomBytes(3 * PART);
      const { location } = await backend.put(key, chunks(original));
      await assert.rejects(backend.put(key, failingAfter(randomBytes(2 * PART + 1), new Error('broken'))));
      const { body } = await backend.get(location);
      const back: Buffer[] = [];
      for await (const chunk of body) back.push(chunk as Buffer);
      assert.ok(Buffer.concat(back).equals(original));
      assert.deepEqual(await target.pendingUploads(backend.options.prefix), []);
    });
  });

  describe('prefix', () => {
    it('keeps every object under <prefix><key>, and the bucket outside it untouched by put, delete and cleanup', async () => {
      const outside = `outside/${randomUUID()}`;
      await target.admin.send(new PutObjectCommand({ Bucket: target.bucket, Key: outside, Body: 'not Visor' }));
      const foreignUpload = await target.admin.send(new CreateMultipartUploadCommand({ Bucket: target.bucket, Key: `outside/${randomUUID()}` }));
      const backend = await createBackend(target, { prefix: 'visor/images' });
      try {
        const key = randomUUID();
        const { location } = await backend.put(key, chunks(randomBytes(100)));
        assert.equal(location, `s3://${target.bucket}/visor/images/${key}`);
        const listed = await target.admin.send(new ListObjectsV2Command({ Bucket: target.bucket, Prefix: 'visor/images/' }));
        assert.deepEqual(listed.Contents?.map((o) => o.Key), [`visor/images/${key}`]);
        assert.equal(await backend.cleanup({ minAgeMs: 0 }), 0, 'cleanup aborted an upload outside the prefix');
        await backend.delete(location);
        assert.equal((await readObject(target, outside)).toString(), 'not Visor');
        assert.ok((await target.pendingUploads('outside/')).some((u) => u.includes(foreignUpload.UploadId!)), 'the upload outside the prefix is gone');
        await assert.rejects(backend.get(`s3://${target.bucket}/${outside}`), { name: 'InvalidKeyError' });
      } finally {
        await backend.close();
      }
    });
  });

  describe('cleanup({ minAgeMs })', () => {
    it('aborts stale multipart uploads under the prefix by the server clock, sparing young ones, foreign keys and its own in progress', async () => {
      const backend = await createBackend(target);
      try {
        const prefix = backend.options.prefix;
        const stale = await target.admin.send(new CreateMultipartUploadCommand({ Bucket: target.bucket, Key: `${prefix}${randomUUID()}` }));
        await target.admin.send(new UploadPartCommand({ Bucket: target.bucket, Key: stale.Key, UploadId: stale.UploadId, PartNumber: 1, Body: randomBytes(1000) }));
        const notVisors = await target.admin.send(new CreateMultipartUploadCommand({ Bucket: target.bucket, Key: `${prefix}sub/dir.img` }));
        // Young by any clock: an hour's minimum age spares it.
        assert.equal(await backend.cleanup({ minAgeMs: 3_600_000 }), 0);
        assert.equal((await target.pendingUploads(prefix)).length, 2);

        // This process's own upload in progress, past its first part, is spared even with no minimum age.
        let release!: () => void;
        const held = new Promise<void>((resolve) => (release = resolve));
        const data = randomBytes(2 * PART + 1);
        const source = new Readable({ read() {} });
        source.push(data.subarray(0, PART + 1));
        const put = backend.put(randomUUID(), source);
        const deadline = Date.now() + 10_000;
        while ((await target.pendingUploads(prefix)).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        assert.equal((await target.pendingUploads(prefix)).length, 3, 'the put in progress did not start its multipart upload');

        assert.equal(await backend.cleanup({ minAgeMs: 0 }), 1, 'exactly the stale upload is aborted');
        const left = await target.pendingUploads(prefix);
        assert.ok(!left.some((u) => u.includes(stale.UploadId!)), 'the stale upload is still there');
        assert.ok(left.some((u) => u.includes(notVisors.UploadId!)), 'an upload to a key Visor would not write was aborted');

        source.push(data.subarray(PART + 1));
        source.push(null);
        release();
        await held;
        const done = await put;
        assert.equal(done.size, data.length);
        assert.match(done.etag ?? '', /-3"$/);
      } finally {
        await backend.close();
      }
    });
  });

  it('a part that fails for good (the object server stops answering) stops the upload at once; cleanup() removes it later', async () => {
    const objectServer = target.processes!.get('object')!;
    const backend = await createBackend(target, { requestTimeoutSeconds: 1 });
    try {
      // A source that never ends: only the early stop can end this put.
      let produced = 0;
      const endless = new Readable({
        read() {
          produced += MiB;
          this.push(randomBytes(MiB));
        },
      });
      const key = randomUUID();
      const put = backend.put(key, endless);
      const deadline = Date.now() + 10_000;
      while ((await target.pendingUploads(backend.options.prefix)).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      objectServer.pause(true);
      try {
        await assert.rejects(put, (error: unknown) => {
          assert.ok(error instanceof BackendUnavailableError, String(error));
          assert.match(error.message, new RegExp(`backend 'images' key '${key}': storing the object failed: the S3 endpoint cannot be reached \\((TimeoutError|ECONNRESET)\\)`));
          return true;
        });
      } finally {
        objectServer.pause(false);
      }
      assert.ok(produced < 100 * MiB, `the upload went on reading (${produced} bytes) after its part failed`);
      // The abort could not reach the paused server either: the upload is a leftover until cleanup() runs.
      await backend.cleanup({ minAgeMs: 0 });
      assert.deepEqual(await target.pendingUploads(backend.options.prefix), []);
    } finally {
      objectServer.pause(false);
      await backend.close();
    }
  });
});
