import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { access } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { startSwift, type SwiftAllInOne } from '../src/index.js';
import { s3Client } from './support/s3-client.js';
import { ipSockets } from './support/sockets.js';

const MiB = 1024 * 1024;

describe('Swift all-in-one (Debian swift + s3api)', () => {
  let swift: SwiftAllInOne;
  const bucket = `harness-${randomBytes(4).toString('hex')}`;

  before(async () => {
    swift = await startSwift();
    await s3Client(swift).send(new CreateBucketCommand({ Bucket: bucket }));
  });
  after(() => swift?.stop());

  it('stores and returns an object (PutObject, GetObject)', async () => {
    const s3 = s3Client(swift);
    const body = randomBytes(100_000);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'small', Body: body, ContentLength: body.length }));
    const back = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'small' }));
    assert.ok(Buffer.from(await back.Body!.transformToByteArray()).equals(body));
  });

  it('completes a multipart upload (lib-storage Upload) with a real multipart ETag', async () => {
    const s3 = s3Client(swift);
    const body = randomBytes(11 * MiB);
    const upload = new Upload({ client: s3, params: { Bucket: bucket, Key: 'large', Body: body }, partSize: 5 * MiB, queueSize: 2 });
    const done = await upload.done();
    assert.match(done.ETag ?? '', /^"[0-9a-f]{32}-3"$/, 'three parts: the ETag is the MD5 of the part MD5s, dash, 3');
    const back = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'large', Range: 'bytes=5242879-5242881' }));
    assert.ok(Buffer.from(await back.Body!.transformToByteArray()).equals(body.subarray(5 * MiB - 1, 5 * MiB + 2)));
  });

  it('lists a multipart upload in progress, and no longer once it is aborted', async () => {
    const s3 = s3Client(swift);
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'pending' }));
    const listed = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    assert.deepEqual(listed.Uploads?.map((u) => [u.Key, u.UploadId]), [['pending', UploadId]]);
    assert.ok(listed.Uploads?.[0]?.Initiated instanceof Date);
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'pending', UploadId }));
    assert.deepEqual((await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads ?? [], []);
  });

  it('verifies signatures: a wrong secret key is refused with SignatureDoesNotMatch', async () => {
    const wrong = s3Client(swift, { accessKeyId: swift.credentials.accessKeyId, secretAccessKey: 'not-the-key' });
    await assert.rejects(wrong.send(new GetObjectCommand({ Bucket: bucket, Key: 'small' })), (error: unknown) => {
      assert.ok(error instanceof S3ServiceException);
      assert.equal(error.name, 'SignatureDoesNotMatch');
      assert.equal(error.$metadata.httpStatusCode, 403);
      return true;
    });
  });

  it('after that traffic: every server binds 127.0.0.1 only and no UDP socket was opened (logs went to the Unix socket)', async () => {
    assert.equal(swift.processes.size, 5);
    for (const [name, process] of swift.processes) {
      const sockets = await ipSockets(process.pid!);
      assert.ok(sockets.some((s) => s.state === '0A'), `${name} listens on nothing`);
      for (const socket of sockets) {
        assert.ok(socket.protocol === 'tcp', `${name} holds a ${socket.protocol} socket (${socket.local})`);
        if (socket.state === '0A') assert.match(socket.local, /^127\.0\.0\.1:\d+$/, `${name} listens on ${socket.local}`);
      }
    }
    assert.ok(swift.logs().some((line) => line.startsWith('proxy-server:')), 'the proxy logged nothing to the socket');
  });

  it('stop() ends every process and removes the directory', async () => {
    const other = await startSwift();
    const pids = [...other.processes.values()].map((p) => p.pid!);
    await other.stop();
    for (const pid of pids) assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, `process ${pid} is still running`);
    await assert.rejects(access(other.directory), { code: 'ENOENT' });
    await other.stop(); // twice is fine
  });
});
