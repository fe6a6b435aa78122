import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { access } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { GetObjectCommand, ListMultipartUploadsCommand, PutObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { startS3rver, type S3rverServer } from '../src/index.js';
import { s3Client } from './support/s3-client.js';

const MiB = 1024 * 1024;

describe('s3rver (npm, in-process)', () => {
  let server: S3rverServer;
  const bucket = 'harness-bucket';

  before(async () => {
    server = await startS3rver({ buckets: [bucket] });
  });
  after(() => server?.stop());

  it('listens on 127.0.0.1', () => {
    assert.match(server.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('stores and returns an object (PutObject, GetObject)', async () => {
    const s3 = s3Client(server);
    const body = randomBytes(100_000);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'small', Body: body, ContentLength: body.length }));
    const back = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'small' }));
    assert.ok(Buffer.from(await back.Body!.transformToByteArray()).equals(body));
  });

  it('completes a multipart upload (lib-storage Upload)', async () => {
    const s3 = s3Client(server);
    const body = randomBytes(11 * MiB);
    // s3rver's ETag for a multipart object is a plain MD5, not AWS's `<md5 of part md5s>-<parts>`: only Swift's is checked.
    await new Upload({ client: s3, params: { Bucket: bucket, Key: 'large', Body: body }, partSize: 5 * MiB, queueSize: 2 }).done();
    const back = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'large' }));
    assert.ok(Buffer.from(await back.Body!.transformToByteArray()).equals(body));
  });

  it('does not list multipart uploads (NotImplemented in s3rver 3.7.1): abort and cleanup are tested on Swift', async () => {
    await assert.rejects(s3Client(server).send(new ListMultipartUploadsCommand({ Bucket: bucket })), (error: unknown) => {
      assert.ok(error instanceof S3ServiceException);
      assert.equal(error.name, 'NotImplemented');
      return true;
    });
  });

  it('stop() closes the port and removes the directory', async () => {
    const other = await startS3rver();
    await other.stop();
    await assert.rejects(fetch(other.endpoint), 'the port still answers');
    await assert.rejects(access(other.directory), { code: 'ENOENT' });
  });
});
