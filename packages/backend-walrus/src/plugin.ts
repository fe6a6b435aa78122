import { PLUGIN_API_VERSION, type BackendContext, type BackendPlugin } from '@visor/plugin-api';
import { createS3Store, S3_CAPABILITIES, type S3Backend } from '@visor/backend-s3';
import { resolveWalrusOptions } from './options.js';

/**
 * Walrus offers what S3 does here: multipart uploads, ranges, presigned
 * URLs (Signature Version 2 query-string form, or SigV4), so the store
 * declares the S3 backend's capabilities.
 */
export const WALRUS_CAPABILITIES = S3_CAPABILITIES;

/**
 * Creates a `walrus` store: an S3 store at `http://<host>:<port><servicePath>`
 * with locations `walrus://<bucket>/<prefix><key>`. With Signature Version 2
 * the signed resource is `/<bucket>/<key>` without the service path (a form
 * every Walrus version accepts); SigV4 signs the full path, as Eucalyptus
 * 4.4 and later expect.
 */
export async function createWalrusStore(options: Record<string, unknown> | undefined, context: BackendContext): Promise<S3Backend> {
  const { s3, servicePath } = resolveWalrusOptions(options, context.optionsKey);
  return createS3Store(s3, context, {
    identity: { type: 'walrus', scheme: 'walrus' },
    capabilities: WALRUS_CAPABILITIES,
    dialect: { uploads: 'multipart', ...(servicePath === '' ? {} : { unsignedPathPrefix: servicePath }) },
  });
}

/** The `walrus` backend: images in a bucket of Eucalyptus Walrus. */
export const walrusBackendPlugin: BackendPlugin = { kind: 'backend', type: 'walrus', apiVersion: PLUGIN_API_VERSION, create: createWalrusStore };
