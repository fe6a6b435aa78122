import { randomBytes } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateBucketCommand, ListMultipartUploadsCommand, ListObjectsV2Command, ListPartsCommand, S3Client } from '@aws-sdk/client-s3';
import { startSwift, type S3Credentials, type SwiftAllInOne } from '../swift/swift-all-in-one.js';
import { startS3Fronts, type S3Fronts } from './s3-fronts.js';

/**
 * The Swift all-in-one with the Walrus and Cumulus nginx fronts before it,
 * one bucket made, and probes that look behind the fronts (SigV4, straight
 * to Swift) for the backends' tests.
 */
export interface EmulatedDialects {
  swift: SwiftAllInOne;
  fronts: S3Fronts;
  /** Swift's S3 endpoint, for SigV4 straight to it. */
  endpoint: string;
  region: string;
  credentials: S3Credentials;
  bucket: string;
  /** A plain SDK client (SigV4) to Swift, for setup and probes. */
  admin: S3Client;
  /** Object keys under `prefix`, then multipart uploads in progress there. */
  listRaw(prefix: string): Promise<string[]>;
  /**
   * Bytes under `prefix` that reached the storage: whole objects, the parts
   * of multipart uploads in progress, and what Swift's object server has
   * written so far of PUTs in progress (its temp files), which is where a
   * streamed single PutObject shows before it completes.
   */
  storedBytes(prefix: string): Promise<number>;
  stop(): Promise<void>;
}

/** A fresh `t-<random>/` prefix, one per store a test creates. */
export function newTestPrefix(): string {
  return `t-${randomBytes(6).toString('hex')}/`;
}

async function tempFileBytes(directory: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(directory).catch(() => [] as string[])) {
    total += (await stat(join(directory, name)).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

/** Starts Swift, then the fronts; everything on 127.0.0.1. Stop it with `stop()`. */
export async function startEmulatedDialects(): Promise<EmulatedDialects> {
  const swift = await startSwift();
  let fronts: S3Fronts | undefined;
  const admin = new S3Client({
    endpoint: swift.endpoint,
    region: swift.region,
    forcePathStyle: true,
    credentials: swift.credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
  });
  const stop = async () => {
    admin.destroy();
    await fronts?.stop();
    await swift.stop();
  };
  const bucket = `visor-test-${randomBytes(5).toString('hex')}`;
  try {
    fronts = await startS3Fronts(Number(new URL(swift.endpoint).port));
    await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    await stop();
    throw error;
  }
  const objects = async (prefix: string) => {
    const out: { key: string; size: number }[] = [];
    let token: string | undefined;
    do {
      const page = await admin.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      for (const object of page.Contents ?? []) out.push({ key: object.Key!, size: object.Size ?? 0 });
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return out;
  };
  return {
    swift,
    fronts: fronts!,
    endpoint: swift.endpoint,
    region: swift.region,
    credentials: swift.credentials,
    bucket,
    admin,
    async listRaw(prefix) {
      const keys = (await objects(prefix)).map((o) => o.key).sort();
      const uploads = await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }));
      return [...keys, ...(uploads.Uploads ?? []).map((u) => `${u.Key} (upload ${u.UploadId})`)];
    },
    async storedBytes(prefix) {
      let total = (await objects(prefix)).reduce((sum, o) => sum + o.size, 0);
      const uploads = await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }));
      for (const upload of uploads.Uploads ?? []) {
        const parts = await admin.send(new ListPartsCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId })).catch(() => ({ Parts: [] }));
        for (const part of parts.Parts ?? []) total += part.Size ?? 0;
      }
      return total + (await tempFileBytes(join(swift.directory, 'srv', 'd1', 'tmp')));
    },
    stop,
  };
}
