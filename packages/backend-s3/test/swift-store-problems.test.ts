import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { BackendUnavailableError, ObjectNotFoundError } from '@visor/plugin-api';
import { freePort } from '@visor/test-servers';
import type { S3Backend } from '../src/index.js';
import { createBackend, newBucketName, swiftTarget, type S3Target } from './support/s3-target.js';
import { chunks, randomBytes } from './support/sources.js';

/** Every request of a store that cannot work fails the same way: BackendUnavailableError naming store, key and cause. */
async function everyRequestFails(backend: S3Backend, cause: RegExp, location: string): Promise<void> {
  const key = randomUUID();
  const check = (operation: string) => (error: unknown) => {
    assert.ok(error instanceof BackendUnavailableError, `${operation}: expected BackendUnavailableError, got ${String(error)}`);
    assert.equal(error.backend, backend.name);
    assert.match(error.message, new RegExp(`^backend '${backend.name}' key '[^']+': `), `${operation}: ${error.message}`);
    assert.match(error.message, cause, `${operation}: ${error.message}`);
    assert.ok(!error.message.includes(backend.options.credentials?.secretAccessKey ?? '\0'), 'the message shows the secret key');
    return true;
  };
  await assert.rejects(backend.put(key, chunks(randomBytes(1000)), { size: 1000 }), check('put'));
  await assert.rejects(backend.put(key, chunks(randomBytes(6 * 1024 * 1024))), check('multipart put'));
  await assert.rejects(backend.get(location), check('get'));
  await assert.rejects(backend.stat(location), check('stat'));
  await assert.rejects(backend.delete(location), check('delete'));
  await assert.rejects(backend.cleanup(), (error: unknown) => error instanceof BackendUnavailableError && cause.test(error.message));
}

describe('s3 on Swift: a store that cannot work says why, at start and on every request', () => {
  let target: S3Target;
  let location: string;
  before(async () => {
    target = await swiftTarget();
    const good = await createBackend(target, { prefix: 'problems' });
    location = (await good.put(randomUUID(), chunks(randomBytes(100)))).location;
    await good.close();
  });
  after(() => target?.stop());

  const problems: Array<[string, () => Promise<Record<string, unknown>>, RegExp]> = [
    ['a wrong secret key', async () => ({ secretAccessKey: 'not-the-secret' }), /the server refused the request signature: the secret key is wrong .*\(SignatureDoesNotMatch\)/],
    // Swift's tempauth does not tell an unknown access key from a wrong secret: it answers SignatureDoesNotMatch.
    ['an access key the server does not know', async () => ({ accessKeyId: 'nobody:nobody' }), /the server refused the request signature: .*the access key is unknown\) \(SignatureDoesNotMatch\)/],
    ['a bucket that does not exist', async () => ({ bucket: newBucketName() }), /the bucket does not exist \(NoSuchBucket\)/],
    ['an endpoint nothing listens on', async () => ({ endpoint: `http://127.0.0.1:${await freePort()}` }), /the S3 endpoint cannot be reached \(ECONNREFUSED\)/],
  ];
  for (const [problem, options, cause] of problems) {
    it(`${problem}: health() is not ok and names the cause; every request fails naming store, key and cause`, async () => {
      const backend = await createBackend(target, { prefix: 'problems', ...(await options()) });
      try {
        const health = await backend.health();
        assert.equal(health.ok, false);
        assert.match(health.message ?? '', /^the store is not usable: /);
        assert.match(health.message ?? '', cause);
        assert.ok(!(health.message ?? '').includes(backend.options.bucket), 'GET /status is public: the health message names the bucket');
        assert.ok(!(health.message ?? '').includes('127.0.0.1'), 'GET /status is public: the health message names the endpoint');
        const located = location.replace(`s3://${target.bucket}/`, `s3://${backend.options.bucket}/`);
        await everyRequestFails(backend, cause, located);
      } finally {
        await backend.close();
      }
    });
  }

  it('an option the server refuses (a storage class Swift lacks): the upload fails naming the cause, and health() says so, naming the option, until an upload succeeds', async () => {
    const backend = await createBackend(target, { storageClass: 'STANDARD_IA' });
    try {
      assert.equal((await backend.health()).ok, true, 'the bucket is there: healthy before any upload');
      await assert.rejects(backend.put(randomUUID(), chunks(randomBytes(1000))), /InvalidStorageClass/);
      assert.deepEqual(await backend.health(), {
        ok: false,
        message: "the server refused the last upload for option 'storageClass' (InvalidStorageClass): every upload fails until it is changed",
      });
    } finally {
      await backend.close();
    }
    const fixed = await createBackend(target);
    try {
      await fixed.put(randomUUID(), chunks(randomBytes(1000)));
      assert.equal((await fixed.health()).ok, true);
    } finally {
      await fixed.close();
    }
  });

  it('an endpoint that takes connections but never answers: the start (createBucket, health), health() and cleanup() say so within requestTimeoutSeconds, retries included', async () => {
    // Without a bound on each whole call, 10 attempts of 2 s each (and the backoff between them) would hold
    // Visor's start, GET /status and the start-up sweep for over 20 s each; with the defaults, 3 minutes.
    const proxy = target.processes!.get('proxy')!;
    const seconds = (since: number) => (performance.now() - since) / 1000;
    proxy.pause(true);
    try {
      let started = performance.now();
      const backend = await createBackend(target, { requestTimeoutSeconds: 2, maxAttempts: 10, createBucket: true, bucket: newBucketName() });
      try {
        assert.ok(seconds(started) < 10, `creating the store took ${seconds(started).toFixed(1)} s`);
        started = performance.now();
        const health = await backend.health();
        assert.ok(seconds(started) < 6, `health() took ${seconds(started).toFixed(1)} s`);
        assert.deepEqual(health, { ok: false, message: 'the store is not usable: the S3 endpoint did not answer within 2 s' });
        started = performance.now();
        await assert.rejects(
          backend.cleanup(),
          (error: unknown) =>
            error instanceof BackendUnavailableError &&
            error.message === `backend 'images': aborting stale multipart uploads in bucket '${backend.options.bucket}' failed: the S3 endpoint did not answer within 2 s`,
        );
        assert.ok(seconds(started) < 6, `cleanup() took ${seconds(started).toFixed(1)} s`);
      } finally {
        await backend.close();
      }
    } finally {
      proxy.pause(false);
    }
    const again = await createBackend(target);
    try {
      assert.equal((await again.health()).ok, true, 'the store is not healthy once the server answers again');
    } finally {
      await again.close();
    }
  });

  it('a missing object is ObjectNotFoundError naming store and key, also where only a HEAD asks (stat, delete)', async () => {
    const backend = await createBackend(target);
    try {
      const key = randomUUID();
      const missing = backend.locationOf(key);
      for (const request of [() => backend.get(missing), () => backend.stat(missing), () => backend.delete(missing)]) {
        await assert.rejects(request(), (error: unknown) => error instanceof ObjectNotFoundError && error.message === `backend 'images' key '${key}': object not found`);
      }
    } finally {
      await backend.close();
    }
  });

  it('createBucket: true creates a missing bucket at start, and the store is then healthy', async () => {
    const bucket = newBucketName();
    const backend = await createBackend(target, { bucket, createBucket: true });
    try {
      await target.admin.send(new HeadBucketCommand({ Bucket: bucket }));
      assert.deepEqual(await backend.health(), { ok: true, message: 'the bucket is reachable and the credentials are accepted' });
      const again = await createBackend(target, { bucket, createBucket: true });
      assert.equal((await again.health()).ok, true, 'a second start with the bucket there fails');
      await again.close();
    } finally {
      await backend.close();
    }
  });

  it('without credentials in the options, the SDK default chain is used (here: none found, said so)', async () => {
    const saved = { ...process.env };
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) delete process.env[name];
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/credentials';
    process.env.AWS_CONFIG_FILE = '/nonexistent/config';
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    try {
      const backend = await createBackend(target, { accessKeyId: undefined, secretAccessKey: undefined });
      try {
        const health = await backend.health();
        assert.equal(health.ok, false);
        assert.match(health.message ?? '', /no credentials: the SDK's default chain found none/);
      } finally {
        await backend.close();
      }
      process.env.AWS_ACCESS_KEY_ID = target.credentials.accessKeyId;
      process.env.AWS_SECRET_ACCESS_KEY = target.credentials.secretAccessKey;
      const fromEnv = await createBackend(target, { accessKeyId: undefined, secretAccessKey: undefined });
      try {
        assert.equal((await fromEnv.health()).ok, true, 'credentials from the environment were not used');
      } finally {
        await fromEnv.close();
      }
    } finally {
      process.env = saved;
    }
  });
});
