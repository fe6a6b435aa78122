import { PLUGIN_API_VERSION, WRITABLE_STORE, type BackendCapabilities, type BackendContext, type BackendPlugin } from '@visor/plugin-api';
import { createS3Store, type S3Backend } from '@visor/backend-s3';
import { resolveCumulusOptions } from './options.js';

/**
 * What Cumulus offers, and so what the core may ask: writes and deletes;
 * no multipart uploads, so every upload is one PutObject with its
 * Content-Length (`sizeRequired`: the core refuses an upload of unknown
 * length with 411 before reading it); no server-side ranges (`rangeReads:
 * false`: a range is served by reading from the start and skipping);
 * locations known before writing. No redirects: Cumulus's acceptance of
 * query-string (presigned) authentication could not be verified.
 */
export const CUMULUS_CAPABILITIES: BackendCapabilities = Object.freeze({
  ...WRITABLE_STORE,
  rangeReads: false,
  sizeRequired: true,
  locateBeforeWrite: true,
});

/**
 * Creates a `cumulus` store: an S3 store at `http://<host>:<port>`, signed
 * with Signature Version 2, uploading with single streamed PutObjects, with
 * locations `cumulus://<bucket>/<prefix><key>`.
 */
export async function createCumulusStore(options: Record<string, unknown> | undefined, context: BackendContext): Promise<S3Backend> {
  return createS3Store(resolveCumulusOptions(options, context.optionsKey), context, {
    identity: { type: 'cumulus', scheme: 'cumulus' },
    capabilities: CUMULUS_CAPABILITIES,
    dialect: { uploads: 'single' },
  });
}

/** The `cumulus` backend: images in a bucket of Nimbus Cumulus. */
export const cumulusBackendPlugin: BackendPlugin = { kind: 'backend', type: 'cumulus', apiVersion: PLUGIN_API_VERSION, create: createCumulusStore };
