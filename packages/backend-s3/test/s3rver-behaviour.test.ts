import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { BackendError, type Logger } from '@visor/plugin-api';
import { createBackend, s3rverTarget, type S3Target } from './support/s3-target.js';
import { chunks, randomBytes } from './support/sources.js';

/** A logger that keeps warnings, to check what the backend says about a server's gaps. */
function recordingLogger(warnings: string[]): Logger {
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (message) => void warnings.push(message),
    error: (message) => void warnings.push(message),
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

  it('s3rver cannot abort a multipart upload (405): a failed upload still rejects with its own cause, and the leftover is logged', async () => {
    const warnings: string[] = [];
    const backend = await createBackend(target, {}, 'images', recordingLogger(warnings));
    try {
      const broken = new Error('source broke');
      // More than a part, so the multipart upload starts; then the source breaks.
      const source = new Readable({ read() {} });
      source.push(randomBytes(6 * 1024 * 1024));
      const put = backend.put(randomUUID(), source);
      const deadline = Date.now() + 10_000;
      while ((await target.pendingUploads('')).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.equal((await target.pendingUploads('')).length, 1, 'the multipart upload did not start');
      source.destroy(broken);
      await assert.rejects(put, (error) => error === broken);
      assert.deepEqual(warnings, ['could not abort a failed multipart upload; cleanup() will']);
    } finally {
      await backend.close();
    }
  });
});
