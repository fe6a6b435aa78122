import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { PLUGIN_API_VERSION, type BackendCapabilities, type BackendContext, type BackendPlugin } from '@visor/plugin-api';
import { createS3Client } from './client.js';
import { CONTROL_TIMEOUT_MS } from './deadline.js';
import { describeFailure } from './errors.js';
import { ensureBucket } from './health.js';
import { resolveS3Options, type ResolvedS3Options } from './options.js';
import { S3Backend, type S3BackendIdentity, type S3Dialect } from './s3-backend.js';

export interface S3StoreSetup {
  /** Type and location scheme; default `s3`. */
  identity?: S3BackendIdentity;
  /** Replaces parts of the SDK client's configuration (a preset's `signer`, say). */
  clientOverrides?: Partial<S3ClientConfig>;
  /** What the store can do, when it is less than S3 (a server without ranges or multipart). */
  capabilities?: BackendCapabilities;
  /**
   * How uploads go (`multipart` by default, `single` streamed PutObjects for
   * a server without multipart uploads) and, with Signature Version 2, a
   * path prefix left out of the signed resource.
   */
  dialect?: S3Dialect;
}

/**
 * Builds a store from validated options: the SDK client, the bucket if
 * `createBucket` asks for it, and a first health check, each bounded by
 * `requestTimeoutSeconds` and at most CONTROL_TIMEOUT_MS, retries included. A store that cannot
 * work yet (endpoint down, bucket missing, credentials refused) is still
 * created: the reason is logged, `GET /status` reports it, and every
 * request fails naming it, until the store is fixed.
 */
export async function createS3Store(options: ResolvedS3Options, context: BackendContext, setup: S3StoreSetup = {}): Promise<S3Backend> {
  const client = createS3Client(options, setup.clientOverrides, { unsignedPathPrefix: setup.dialect?.unsignedPathPrefix });
  const backend = new S3Backend(context.name, options, client, context.logger, setup.identity, setup.capabilities, setup.dialect);
  if (options.createBucket) {
    await ensureBucket(client, options.bucket, Math.min(options.requestTimeoutMs, CONTROL_TIMEOUT_MS)).catch((error: unknown) => {
      context.logger.warn('could not create the bucket', { store: context.name, bucket: options.bucket, reason: describeFailure(error) });
    });
  }
  const health = await backend.health();
  const type = backend.type;
  if (health.ok) context.logger.debug(`${type} store ready`, { store: context.name, bucket: options.bucket, endpoint: options.endpoint ?? 'AWS' });
  else context.logger.warn(`${type} store not usable yet`, { store: context.name, bucket: options.bucket, endpoint: options.endpoint ?? 'AWS', reason: health.message });
  return backend;
}

async function create(options: Record<string, unknown> | undefined, context: BackendContext): Promise<S3Backend> {
  return createS3Store(resolveS3Options(options, context.optionsKey), context);
}

/** The `s3` backend: objects in an S3 bucket, on AWS or an S3-compatible server. */
export const s3BackendPlugin: BackendPlugin = { kind: 'backend', type: 's3', apiVersion: PLUGIN_API_VERSION, create };
