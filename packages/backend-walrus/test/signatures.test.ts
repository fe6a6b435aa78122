import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { BackendUnavailableError, silentLogger } from '@visor/plugin-api';
import { createS3Store, presignV2, resolveS3Options } from '@visor/backend-s3';
import { useEmulatedDialects, WALRUS_SERVICE_PATH } from '@visor/test-servers';
import { createWalrus, walrusOptions } from './support/walrus-target.js';
import { randomBytes } from 'node:crypto';

async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

// One Swift all-in-one (with the fronts) for this file.
const dialects = useEmulatedDialects();

describe('Walrus (emulated: nginx + Swift s3api): signatures are verified for real', () => {
  it('a wrong secret key is refused by the server: health says so, an upload fails as the store being unusable', async () => {
    const backend = await createWalrus(walrusOptions(dialects.target, { secretAccessKey: 'not-the-secret' }));
    try {
      const health = await backend.health();
      assert.equal(health.ok, false);
      assert.match(health.message!, /SignatureDoesNotMatch/);
      const data = randomBytes(1000);
      await assert.rejects(backend.put('k1', Readable.from([data]), { size: data.length }), (error: unknown) => {
        assert.ok(error instanceof BackendUnavailableError, `expected BackendUnavailableError, got ${String(error)}`);
        assert.match(error.message, /SignatureDoesNotMatch/);
        return true;
      });
      assert.deepEqual(await dialects.target.listRaw(backend.options.prefix), []);
    } finally {
      await backend.close();
    }
  });

  it('a request changed after signing (an x-amz-* header added, the key changed) is refused with SignatureDoesNotMatch', async () => {
    const backend = await createWalrus(walrusOptions(dialects.target));
    try {
      const objectKey = `${backend.options.prefix}tampered`;
      for (const [name, tamper] of [
        ['an added x-amz-meta header', (request: { headers: Record<string, string> }) => void (request.headers['x-amz-meta-added'] = 'after signing')],
        ['another key', (request: { path: string }) => void (request.path = request.path.replace(/tampered$/, 'other'))],
      ] as const) {
        const command = new PutObjectCommand({ Bucket: dialects.target.bucket, Key: objectKey, Body: Buffer.from('bytes') });
        // finalizeRequest, after the signing middleware (which is at the end of finalizeRequest).
        command.middlewareStack.addRelativeTo(
          ((next: (args: { request: unknown }) => Promise<unknown>) => async (args: { request: unknown }) => {
            tamper(args.request as never);
            return next(args);
          }) as never,
          { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'tamper' },
        );
        await assert.rejects(backend.client.send(command), (error: Error & { $metadata?: { httpStatusCode?: number } }) => {
          assert.equal(error.name, 'SignatureDoesNotMatch', `${name}: ${error.name}`);
          assert.equal(error.$metadata?.httpStatusCode, 403);
          return true;
        });
      }
      assert.deepEqual(await dialects.target.listRaw(backend.options.prefix), [], 'nothing was stored');
      // The same request untampered goes through: the refusals were the tampering's doing.
      await backend.client.send(new PutObjectCommand({ Bucket: dialects.target.bucket, Key: objectKey, Body: Buffer.from('bytes') }));
      assert.deepEqual(await dialects.target.listRaw(backend.options.prefix), [objectKey]);
    } finally {
      await backend.close();
    }
  });

  it('the signed resource leaves out /services/Walrus: signing the full path through the stripping front is refused', async () => {
    const s3 = resolveS3Options(
      {
        bucket: dialects.target.bucket,
        endpoint: `http://127.0.0.1:${dialects.target.fronts.walrusPort}${WALRUS_SERVICE_PATH}`,
        accessKeyId: dialects.target.credentials.accessKeyId,
        secretAccessKey: dialects.target.credentials.secretAccessKey,
        signatureVersion: 'v2',
        maxAttempts: 1,
      },
      'stores.full.options',
    );
    const fullPath = await createS3Store(s3, { name: 'full', dataDir: '/x', baseDir: '/x', optionsKey: 'stores.full.options', logger: silentLogger });
    try {
      const health = await fullPath.health();
      assert.equal(health.ok, false);
      assert.match(health.message!, /SignatureDoesNotMatch/);
    } finally {
      await fullPath.close();
    }
  });

  it('a Signature Version 2 presigned URL serves the object through the front until it expires, then the server refuses it', async () => {
    const backend = await createWalrus(walrusOptions(dialects.target, { redirectDownloads: true }));
    try {
      const data = randomBytes(70_000);
      const { location } = await backend.put('k2', Readable.from([data]), { size: data.length });
      const url = await backend.redirectUrl(location, { expiresIn: 60, method: 'GET' });
      assert.match(url, new RegExp(`^http://127\\.0\\.0\\.1:${dialects.target.fronts.walrusPort}/services/Walrus/${dialects.target.bucket}/`));
      assert.match(url, /[?&]AWSAccessKeyId=[^&]+&Expires=\d+&Signature=/);
      assert.doesNotMatch(url, new RegExp(dialects.target.credentials.secretAccessKey));
      const fetched = await fetch(url);
      assert.equal(fetched.status, 200);
      assert.ok(Buffer.from(await fetched.arrayBuffer()).equals(data));

      const expired = await presignV2({
        endpoint: backend.options.endpoint!,
        bucket: dialects.target.bucket,
        objectKey: backend.locations.objectKey('k2'),
        method: 'GET',
        expiresIn: 1,
        credentials: dialects.target.credentials,
        unsignedPathPrefix: WALRUS_SERVICE_PATH,
        now: Date.now() - 3600_000,
      });
      const refused = await fetch(expired);
      assert.equal(refused.status, 403);
      assert.match(await refused.text(), /expired/i);
      const forged = await fetch(url.replace(/Signature=[^&]+/, 'Signature=AAAAAAAAAAAAAAAAAAAAAAAAAAA%3D'));
      assert.equal(forged.status, 403);
    } finally {
      await backend.close();
    }
  });

  it('multipart upload parts (uploads, partNumber, uploadId sub-resources) are signed as the server checks them', async () => {
    const backend = await createWalrus(walrusOptions(dialects.target));
    try {
      const data = randomBytes(11 * 1024 * 1024 + 3);
      const { location, etag } = await backend.put('k3', Readable.from([data]), { size: data.length });
      assert.match(etag ?? '', /-3"$/, 'three parts of 5 MiB, joined by the server');
      const direct = await dialects.target.admin.send(new GetObjectCommand({ Bucket: dialects.target.bucket, Key: backend.locations.objectKey('k3') }));
      assert.ok((await readAll(direct.Body as Readable)).equals(data));
      const { body } = await backend.get(location, { range: { start: 5 * 1024 * 1024 - 2, end: 5 * 1024 * 1024 + 1 } });
      assert.ok((await readAll(body)).equals(data.subarray(5 * 1024 * 1024 - 2, 5 * 1024 * 1024 + 2)));
    } finally {
      await backend.close();
    }
  });
});

describe('Walrus with signatureVersion v4 (Eucalyptus 4.4 and later; SigV4 against Swift s3api directly)', () => {
  it('stores, reads ranges and presigns with SigV4 over the full path, verified by the server', async () => {
    const port = Number(new URL(dialects.target.endpoint).port);
    const backend = await createWalrus(walrusOptions(dialects.target, { port, servicePath: '', signatureVersion: 'v4', region: dialects.target.region, redirectDownloads: true }));
    try {
      assert.equal((await backend.health()).ok, true);
      const data = randomBytes(6 * 1024 * 1024);
      const { location } = await backend.put('k4', Readable.from([data]), { size: data.length });
      assert.match(location, /^walrus:\/\//);
      const { body } = await backend.get(location, { range: { start: 100, end: 199 } });
      assert.ok((await readAll(body)).equals(data.subarray(100, 200)));
      const url = await backend.redirectUrl(location, { expiresIn: 60, method: 'GET' });
      assert.match(url, /X-Amz-Signature=/);
      const fetched = await fetch(url);
      assert.equal(fetched.status, 200);
      assert.ok(Buffer.from(await fetched.arrayBuffer()).equals(data));
      const wrong = await createWalrus(walrusOptions(dialects.target, { port, servicePath: '', signatureVersion: 'v4', region: dialects.target.region, secretAccessKey: 'wrong' }));
      try {
        assert.match((await wrong.health()).message ?? '', /SignatureDoesNotMatch/);
      } finally {
        await wrong.close();
      }
    } finally {
      await backend.close();
    }
  });
});
