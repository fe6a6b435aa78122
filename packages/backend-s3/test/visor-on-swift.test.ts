import assert from 'node:assert/strict';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { verifyPlugin } from '@visor/backend-testsuite';
import { authorizationHeader, VisorClient } from '@visor/client';
import { get } from '@visor/test-support';
import { createLogger, createVisor, silentLogger, type Visor } from '@visor/core';
import { newBucketName, newPrefix, swiftTarget, type S3Target } from './support/s3-target.js';
import { curl } from './support/run.js';
import { randomBytes } from './support/sources.js';

const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));
const MiB = 1024 * 1024;

function storeOptions(target: S3Target, extra: Record<string, unknown> = {}) {
  return {
    bucket: target.bucket,
    endpoint: target.endpoint,
    region: target.region,
    accessKeyId: target.credentials.accessKeyId,
    secretAccessKey: target.credentials.secretAccessKey,
    prefix: newPrefix(),
    partSizeMiB: 5,
    ...extra,
  };
}

async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('s3 through Visor, on Swift', () => {
  let target: S3Target;
  let visor: Visor;
  let url: string;
  let client: VisorClient;
  let keys: { access_key: string; secret_key: string };
  let dataDir: string;
  const options: Record<string, ReturnType<typeof storeOptions>> = {};

  before(async () => {
    target = await swiftTarget();
    options.default = storeOptions(target);
    options.redirecting = storeOptions(target, { redirectDownloads: true });
    options.broken = storeOptions(target, { bucket: newBucketName() });
    dataDir = await mkdtemp(join(tmpdir(), 'visor-s3-'));
    // The default plugins: access control and tracking.
    visor = await createVisor(
      {
        dataDir,
        port: 0,
        stores: {
          default: { backend: 's3', options: options.default },
          redirecting: { backend: 's3', options: options.redirecting },
          broken: { backend: 's3', options: options.broken },
        },
        defaultStore: 'default',
      },
      { logger: silentLogger },
    );
    url = (await visor.listen()).url;
    keys = JSON.parse(await readFile(join(dataDir, 'admin-credentials.json'), 'utf8'));
    client = new VisorClient({ url, accessKey: keys.access_key, secretKey: keys.secret_key });
  });
  after(async () => {
    await visor?.close();
    await rm(dataDir, { recursive: true, force: true });
    await target?.stop();
  });

  it('GET /status reports each S3 store: healthy ones ok, the one without its bucket not ok with the reason', async () => {
    const status = await client.status();
    const backends = Object.fromEntries((status.backends as Array<{ name: string; ok: boolean; message?: string; type: string }>).map((b) => [b.name, b]));
    assert.equal(backends.default!.ok, true);
    assert.equal(backends.default!.type, 's3');
    assert.equal(backends.redirecting!.ok, true);
    assert.equal(backends.broken!.ok, false);
    assert.equal(backends.broken!.message, 'the store is not usable: the bucket does not exist (NoSuchBucket)');
    assert.equal(status.status, 'degraded');
  });

  it('a store without its bucket: each start logs one warning naming store, bucket and cause, no error (the leftovers sweep notes it at info), and GET /status keeps the reason', async () => {
    const bucket = newBucketName();
    const lines: string[] = [];
    const stream = { write: (line: string) => void lines.push(line) };
    const ownDir = await mkdtemp(join(tmpdir(), 'visor-s3-nobucket-'));
    const start = () =>
      createVisor(
        { dataDir: ownDir, port: 0, plugins: [], stores: { default: { backend: 'fs' }, nobucket: { backend: 's3', options: storeOptions(target, { bucket }) } } },
        { logger: createLogger('debug', stream) },
      );
    try {
      for (const run of [1, 2]) {
        lines.length = 0;
        const started = await start();
        const { url: ownUrl } = await started.listen();
        const status = (await get(`${ownUrl}/status`)).json().status;
        await started.close();
        const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
        assert.deepEqual(records.filter((r) => r.level === 'error'), [], `start ${run} logged errors`);
        const about = records.filter((r) => r.store === 'nobucket' && r.msg !== 'backend call');
        const warnings = about.filter((r) => r.level === 'warn');
        assert.equal(warnings.length, 1, `start ${run}: ${JSON.stringify(about)}`);
        assert.deepEqual(warnings[0], {
          ...warnings[0],
          msg: 's3 store not usable yet',
          bucket,
          reason: 'the store is not usable: the bucket does not exist (NoSuchBucket)',
        });
        // The start-up sweep of leftovers only notes it, naming the bucket, without the error object and its causes.
        const sweep = about.filter((r) => String(r.msg).startsWith('leftovers of a store not removed'));
        assert.equal(sweep.length, 1, JSON.stringify(about));
        assert.equal(sweep[0]!.level, 'info');
        assert.equal(
          sweep[0]!.reason,
          `backend 'nobucket': aborting stale multipart uploads in bucket '${bucket}' failed: the bucket does not exist (NoSuchBucket)`,
        );
        assert.equal(sweep[0]!.err, undefined);
        const store = (status.backends as Array<{ name: string; ok: boolean; message?: string }>).find((b) => b.name === 'nobucket');
        assert.deepEqual(store, { ...store, ok: false, message: 'the store is not usable: the bucket does not exist (NoSuchBucket)' });
      }
    } finally {
      await rm(ownDir, { recursive: true, force: true });
    }
  });

  it('uploads (multipart) and downloads an image, whole and by range; the location names the bucket and never a credential; delete removes the object', async () => {
    const data = randomBytes(12 * MiB + 3);
    const image = await client.registerWithFile({ name: 'Debian 12', architecture: 'x86_64', format: 'raw' }, data);
    assert.equal(image.status, 'available');
    assert.equal(image.size, data.length);
    const record = await visor.images.get(image.id);
    assert.equal(record.location, `s3://${target.bucket}/${options.default!.prefix}${image.id}`);
    assert.ok(!JSON.stringify(await client.get(image.id)).includes(target.credentials.secretAccessKey), 'the image metadata shows the secret key');

    const stored = await target.admin.send(new GetObjectCommand({ Bucket: target.bucket, Key: `${options.default!.prefix}${image.id}` }));
    assert.match(stored.ETag ?? '', /-3"$/, 'the object went up in three parts');
    assert.ok(Buffer.from(await stored.Body!.transformToByteArray()).equals(data), 'Swift holds other bytes');

    const whole = await client.download(image.id);
    assert.equal(whole.status, 200);
    assert.ok((await readAll(whole.stream)).equals(data));
    const part = await client.download(image.id, { range: `bytes=${5 * MiB - 2}-${5 * MiB + 1}` });
    assert.equal(part.status, 206);
    assert.ok((await readAll(part.stream)).equals(data.subarray(5 * MiB - 2, 5 * MiB + 2)));

    await client.delete(image.id);
    const left = await target.admin.send(new ListObjectsV2Command({ Bucket: target.bucket, Prefix: options.default!.prefix }));
    assert.deepEqual(left.Contents ?? [], []);
  });

  it('an upload to a store without its bucket fails naming the store and the cause, and the image can be retried', async () => {
    const image = await client.register({ name: 'lost', architecture: 'x86_64', store: 'broken' });
    await assert.rejects(client.upload(image.id, randomBytes(1000)), (error: unknown) => {
      const message = (error as Error).message;
      assert.match(message, /backend 'broken'/);
      assert.match(message, /the bucket does not exist \(NoSuchBucket\)/);
      return true;
    });
    assert.notEqual((await client.get(image.id)).status, 'available');
  });

  it('redirectDownloads: GET /images/:id answers 302 to a presigned Swift URL after access control; curl -L gets the bytes; tracking records a redirected download', async () => {
    const data = randomBytes(3 * MiB + 5);
    const image = await client.registerWithFile({ name: 'redirected', architecture: 'x86_64', store: 'redirecting' }, data);
    const visorUrl = client.presignedUrl(image.id, 600);

    const first = await curl(visorUrl);
    assert.equal(first.status, 302);
    const location = new URL(first.headers.location!);
    assert.equal(location.origin, target.endpoint);
    assert.equal(location.pathname, `/${target.bucket}/${options.redirecting!.prefix}${image.id}`);
    assert.equal(location.searchParams.get('X-Amz-Algorithm'), 'AWS4-HMAC-SHA256');
    assert.ok(Number(location.searchParams.get('X-Amz-Expires')) > 0);
    assert.ok(!location.href.includes(encodeURIComponent(target.credentials.secretAccessKey)) && !location.href.includes(target.credentials.secretAccessKey), 'the URL carries the secret key');

    const followed = await curl(visorUrl, { follow: true });
    assert.equal(followed.status, 200);
    assert.ok(followed.body.equals(data), 'the presigned URL served other bytes');

    // Access control comes first: an unsigned request is refused, never redirected.
    const unsigned = await curl(`${url}/images/${image.id}`);
    assert.equal(unsigned.status, 401);

    const historyPath = `/images/${image.id}/history`;
    let events: Array<{ action: string; outcome?: string }> = [];
    for (let i = 0; i < 100 && !events.some((e) => e.action === 'downloaded'); i++) {
      const headers = { 'x-visor-date': new Date().toUTCString() };
      const authorization = authorizationHeader(keys.access_key, keys.secret_key, { method: 'GET', path: historyPath, query: '', headers });
      const answer = await get(`${url}${historyPath}`, { ...headers, authorization });
      assert.equal(answer.status, 200, answer.text);
      events = answer.json().history;
      await sleep(20);
    }
    assert.equal(events.find((e) => e.action === 'downloaded')?.outcome, 'redirected');
  });

  it('a presigned URL past its expiry is refused by Swift itself', async () => {
    const data = randomBytes(1000);
    const image = await client.registerWithFile({ name: 'short-lived', architecture: 'x86_64', store: 'redirecting' }, data);
    const store = visor.backends.get('redirecting')!;
    const record = await visor.images.get(image.id);
    // X-Amz-Date has whole seconds (rounded down): a 1 s URL signed late in a second may have
    // expired by the time it is used. 3 s leaves room; the wait then runs past any rounding.
    const shortLived = await store.redirectUrl!(record.location!, { expiresIn: 3, method: 'GET' });
    const fresh = await curl(shortLived);
    assert.equal(fresh.status, 200);
    assert.ok(fresh.body.equals(data));
    await sleep(4100);
    const expired = await curl(shortLived);
    assert.equal(expired.status, 403);
    assert.match(expired.body.toString(), /<Code>AccessDenied<\/Code>/);
    assert.match(expired.body.toString(), /expired/i);
  });

  it('verifyPlugin: the core loads the package through its real loader, with its declared capabilities, and a bad option fails the start naming it', async () => {
    const verified = await verifyPlugin(PACKAGE_DIR, { options: storeOptions(target) });
    assert.equal(verified.packageName, '@visor/backend-s3');
    assert.equal(verified.apiVersion, '1.0');
    assert.deepEqual(verified.capabilities, {
      write: true,
      delete: true,
      rangeReads: true,
      positionalReads: false,
      redirects: true,
      locateBeforeWrite: true,
      sizeRequired: false,
      registerLocations: false,
    });
    assert.equal(verified.health?.ok, true);
    await assert.rejects(verifyPlugin(PACKAGE_DIR, { options: storeOptions(target, { partSizeMiB: 1 }) }), /configuration 'stores\.default\.options\.partSizeMiB': must be a number from 5 to 5120/);
  });
});
