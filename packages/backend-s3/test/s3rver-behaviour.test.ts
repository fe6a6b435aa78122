import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { BackendError, type Logger } from '@visor/plugin-api';
import { createBackend, s3rverTarget, type S3Target } from './support/s3-target.js';
import { chunks, randomBytes } from './support/sources.js';

/** A logger that keeps warnings (and errors), and their fields if asked, to check what the backend says about a server's gaps. */
function recordingLogger(warnings: string[], fields: Array<Record<string, unknown> | undefined> = []): Logger {
  const keep = (message: string, extra?: Record<string, unknown>) => {
    warnings.push(message);
    fields.push(extra);
  };
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: keep,
    error: keep,
    child: () => logger,
  };
  return logger;
}

describe('s3 on s3rver: where the server falls short, the backend says so instead of serving wrong bytes', () => {
  let target: S3Target;
  before(async () => {
    target = await s3rverTarget();
  });
  after(() => target?.stop());

  it('s3rver answers Range: bytes=0-0 with the whole object: the backend refuses that answer, naming store and key', async () => {
    const backend = await createBackend(target);
    try {
      const key = randomUUID();
      const { location } = await backend.put(key, chunks(randomBytes(1000)));
      await assert.rejects(backend.get(location, { range: { start: 0, end: 0 } }), (error: unknown) => {
        assert.ok(error instanceof BackendError);
        assert.equal(error.message, `backend 'images' key '${key}': asked for bytes 0-0, the server sent 0-999`);
        return true;
      });
      // Other ranges it serves right.
      const { body, info } = await backend.get(location, { range: { start: 1, end: 1 } });
      const back: Buffer[] = [];
      for await (const chunk of body) back.push(chunk as Buffer);
      assert.equal(Buffer.concat(back).length, 1);
      assert.equal(info.size, 1000);
    } finally {
      await backend.close();
    }
  });

  it('s3rver does not list multipart uploads: cleanup() finds none, resolves 0 and warns that it cannot look', async () => {
    const warnings: string[] = [];
    const backend = await createBackend(target, {}, 'images', recordingLogger(warnings));
    try {
      assert.equal(await backend.cleanup({ minAgeMs: 0 }), 0);
      assert.deepEqual(warnings, ['the S3 server does not list multipart uploads; cleanup cannot find stale ones']);
    } finally {
      await backend.close();
    }
  });

  /** Starts a multipart upload (more than a part) whose source then breaks; resolves once the put rejected with the source's error. */
  async function failedMultipartUpload(backend: Awaited<ReturnType<typeof createBackend>>): Promise<void> {
    const broken = new Error('source broke');
    const source = new Readable({ read() {} });
    source.push(randomBytes(6 * 1024 * 1024));
    const before = (await target.pendingUploads('')).length;
    const put = backend.put(randomUUID(), source);
    const deadline = Date.now() + 10_000;
    while ((await target.pendingUploads('')).length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal((await target.pendingUploads('')).length, before + 1, 'the multipart upload did not start');
    source.destroy(broken);
    await assert.rejects(put, (error) => error === broken);
  }

  it('s3rver cannot abort a multipart upload (405) nor list them: a failed upload rejects with its own cause; the log says its parts stay, with the upload id', async () => {
    const warnings: string[] = [];
    const fields: Array<Record<string, unknown> | undefined> = [];
    const backend = await createBackend(target, {}, 'images', recordingLogger(warnings, fields));
    try {
      // As Visor's start does: the first sweep learns that the server lists no multipart uploads.
      assert.equal(await backend.cleanup(), 0);
      warnings.length = 0;
      fields.length = 0;
      await failedMultipartUpload(backend);
      assert.deepEqual(warnings, [
        'could not abort a failed multipart upload; this S3 server does not list multipart uploads either, so cleanup() cannot find it: ' +
          'its parts stay on the server until aborted there by upload id (or by a bucket lifecycle rule)',
      ]);
      assert.equal(fields[0]?.store, 'images');
      assert.equal(fields[0]?.bucket, target.bucket);
      assert.match(String(fields[0]?.uploadId), /\S/);
      assert.match(String(fields[0]?.reason), /405/);
      const pending = await target.pendingUploads('');
      assert.ok(pending.some((upload) => JSON.stringify(upload).includes(String(fields[0]?.uploadId))), 'the logged upload id is not the pending upload');
    } finally {
      await backend.close();
    }
  });

  it('a failed abort before any sweep ran does not promise what it cannot know: cleanup() aborts it only if the server lists multipart uploads', async () => {
    const warnings: string[] = [];
    const backend = await createBackend(target, {}, 'images', recordingLogger(warnings));
    try {
      await failedMultipartUpload(backend);
      assert.deepEqual(warnings, ['could not abort a failed multipart upload; a later cleanup() sweep aborts it, if this S3 server lists multipart uploads']);
    } finally {
      await backend.close();
    }
  });
});
