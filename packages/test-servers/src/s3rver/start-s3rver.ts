import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import type { S3Credentials } from '../swift/swift-all-in-one.js';

/** An s3rver running in this process; see the package README for what it does not do. */
export interface S3rverServer {
  /** `http://127.0.0.1:<port>` (path-style addressing). */
  endpoint: string;
  region: string;
  /** s3rver's one built-in account (it checks the access key, and SigV2 signatures only). */
  credentials: S3Credentials;
  /** Where s3rver keeps buckets and objects (a fresh temporary directory). */
  directory: string;
  /** Stops the server and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

export interface S3rverOptions {
  /** Buckets to create before the first request. */
  buckets?: readonly string[];
}

/** Starts s3rver (npm, pinned) in-process on 127.0.0.1 and a free port, with its storage in a new temporary directory. */
export async function startS3rver(options: S3rverOptions = {}): Promise<S3rverServer> {
  const directory = await mkdtemp(join(await realpath(tmpdir()), 'visor-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: process.env.VISOR_TEST_S3RVER_LOG !== '1',
    directory,
    vhostBuckets: false,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name })),
  });
  let address;
  try {
    address = await server.run();
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    directory,
    stop: () => {
      stopped ??= server.close().finally(() => rm(directory, { recursive: true, force: true }));
      return stopped;
    },
  };
}
