import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { PayloadTooLargeError } from '@visor/plugin-api';
import { createBackend, listRaw, s3rverTarget, type S3Target } from './support/s3-target.js';
import { s3Failure } from '../src/errors.js';
import { PartLimitError, SizeGuard } from '../src/size-guard.js';

const MiB = 1024 * 1024;

/**
 * Memory follows the part size, and the part size follows the size a client declares: parts are
 * capped (maxPartSizeMiB), larger parts go fewer at a time, and a declared size the largest parts
 * cannot hold in 10 000 is refused before a byte is read (against s3rver).
 */
describe('s3: part sizes follow the declared size, within maxPartSizeMiB', () => {
  let target: S3Target;
  before(async () => {
    target = await s3rverTarget();
  });
  after(() => target?.stop());

  it('keeps partSizeMiB and queueSize while 10 000 parts hold the image', async () => {
    const backend = await createBackend(target, { partSizeMiB: 8, queueSize: 4 });
    try {
      assert.deepEqual(backend.partsFor('k', {}), { partSize: 8 * MiB, queueSize: 4 });
      assert.deepEqual(backend.partsFor('k', { size: 10_000 * 8 * MiB }), { partSize: 8 * MiB, queueSize: 4 });
    } finally {
      await backend.close();
    }
  });

  it('grows parts for a larger image up to maxPartSizeMiB, with fewer in flight: memory stays near queueSize × partSizeMiB', async () => {
    const backend = await createBackend(target, { partSizeMiB: 8, queueSize: 4, maxPartSizeMiB: 64 });
    try {
      // 100 GiB declared: 10 000 parts of 10.24 MiB; 4 × 8 MiB of parts in flight means three of them.
      assert.equal(backend.partsFor('k', { size: 100 * 1024 * MiB }).queueSize, 3);
      // 200 GiB: parts of 20.48 MiB, and two in flight, the fewest that keep receiving and sending overlapped.
      const parts = backend.partsFor('k', { size: 200 * 1024 * MiB });
      assert.equal(parts.partSize, Math.ceil((200 * 1024 * MiB) / 10_000));
      assert.equal(parts.queueSize, 2);
      // An upload without a declared size takes its bound from the server's limit (maxBytes).
      assert.deepEqual(backend.partsFor('k', { maxBytes: 700 * 1024 * MiB }), { partSize: 64 * MiB, queueSize: 2 });
      // The cap holds whatever the limit: past it, the upload would stop at 10 000 parts.
      assert.equal(backend.partsFor('k', { maxBytes: 5 * 1024 * 1024 * MiB }).partSize, 64 * MiB);
    } finally {
      await backend.close();
    }
  });

  it('refuses a declared size over 10 000 × maxPartSizeMiB with 413 naming the option, before reading a byte; nothing stored', async () => {
    const backend = await createBackend(target, { partSizeMiB: 8, maxPartSizeMiB: 64 });
    try {
      let read = 0;
      const source = new Readable({
        read() {
          read += 1;
          this.push(Buffer.alloc(1024));
        },
      });
      const key = randomUUID();
      await assert.rejects(backend.put(key, source, { size: 5_000_000_000_000_000 }), (error: unknown) => {
        assert.ok(error instanceof PayloadTooLargeError, String(error));
        assert.match(error.message, /5000000000000000 bytes \(as declared\), more than this store takes: 10000 parts of at most 64 MiB \(option maxPartSizeMiB\)/);
        return true;
      });
      assert.equal(read, 0, 'no byte of the refused upload was read');
      assert.deepEqual(await listRaw(target, backend), []);
    } finally {
      await backend.close();
    }
  });

  it('an upload of undeclared size is stopped before the byte that would need part 10 001, as a 413', async () => {
    const guard = new SizeGuard(undefined, false, 100);
    const passed: Buffer[] = [];
    guard.on('data', (chunk: Buffer) => passed.push(chunk));
    const failed = new Promise<Error>((resolve) => guard.once('error', resolve));
    guard.write(Buffer.alloc(60));
    guard.write(Buffer.alloc(41));
    const error = await failed;
    assert.ok(error instanceof PartLimitError);
    assert.equal(Buffer.concat(passed).length, 60, 'the chunk passing the limit never went on');
    const mapped = s3Failure(error, 'images', 'k', 'storing the object');
    assert.ok(mapped instanceof PayloadTooLargeError);
    assert.match((mapped as Error).message, /S3's limit of 10000 parts without a declared size; declare its size/);
  });
});
