import {
  BackendError,
  BadDigestError,
  ClientClosedError,
  ConflictError,
  InvalidFieldError,
  PayloadTooLargeError,
  VisorError,
  type Backend,
  type PutOptions,
  type UploadExpectations,
  type UploadSource,
} from '@visor/plugin-api';
import type { StoredFile } from '../metadata/metadata-store.js';
import { DigestStream } from '../hashing/digest-stream.js';

const OFFLOAD_DIGESTS_FROM_BYTES = 8 * 1024 * 1024;

/**
 * Streams an upload into a backend through a DigestStream, with backpressure
 * end to end. Rejects with the most precise cause: a digest mismatch or a
 * client disconnect rather than the backend's report of its aborted write.
 */
export interface StreamToBackendOptions {
  expect: UploadExpectations;
  /** Told how many bytes passed, once the transfer ended either way. */
  onBytes(bytes: number): void;
  /** Runs once every byte passed and checked, before the backend may commit; rejecting stops the commit. */
  beforeCommit?(): Promise<void>;
}

export async function streamToBackend(backend: Backend, key: string, source: UploadSource, options: StreamToBackendOptions): Promise<StoredFile> {
  const { expect, onBytes } = options;
  const length = expect.size ?? source.lengthHint;
  // A declared size (x-image-meta-size or Content-Length) over the limit is refused before the
  // body is asked for (no 100 Continue), so the client need not send what would be thrown away.
  if (expect.maxBytes != null && length !== undefined && length > expect.maxBytes) {
    throw new PayloadTooLargeError(
      `the image is ${length} bytes (as declared), larger than this server's limit of ${expect.maxBytes} bytes; nothing was stored`,
    );
  }
  // A worker thread pays off only once there is enough to hash.
  // The client is asked for its body (HTTP: 100 Continue) only once the backend starts reading,
  // so a backend that refuses at once (a full disk, say) costs it nothing.
  const digest = new DigestStream(expect, length === undefined || length >= OFFLOAD_DIGESTS_FROM_BYTES, {
    ...(source.begin ? { onFirstRead: () => source.begin!() } : {}),
    ...(options.beforeCommit ? { beforeEnd: () => options.beforeCommit!() } : {}),
    ...(source.trailing ? { trailing: () => source.trailing!() } : {}),
  });
  // The failure reaches the caller through put's rejection and digest.errored; without a
  // listener, pipe()'s own error forwarding would turn it into an uncaught exception.
  digest.on('error', () => undefined);
  const controller = new AbortController();
  const clientGone = (cause?: unknown) => {
    const error = new ClientClosedError(undefined, cause === undefined ? {} : { cause });
    digest.destroy(error);
    controller.abort(error);
  };
  const onAbort = () => clientGone(source.signal?.reason);
  const onSourceError = (error: Error) => clientGone(error);
  source.signal?.addEventListener('abort', onAbort, { once: true });
  source.stream.once('error', onSourceError);
  if (source.signal?.aborted) onAbort();
  source.stream.pipe(digest);
  try {
    const put = await backend.put(key, digest, putOptions(expect, length, controller.signal));
    const digests = digest.result;
    if (put.size !== digests.size) {
      await backend.delete(put.location).catch(() => undefined);
      throw new BackendError(backend.name, key, `stored ${put.size} bytes but received ${digests.size}`);
    }
    return { location: put.location, ...digests, ...(put.etag === undefined ? {} : { etag: put.etag }), ...(put.version === undefined ? {} : { version: put.version }) };
  } catch (error) {
    // Prefer the digest's verdict (mismatch, over the limit) or the client's leaving. Anything
    // else that destroyed the digest came from the backend (a writer's pipeline passes its raw
    // error upstream), and put's rejection reports that failure properly, naming backend and key.
    throw isUploadVerdict(digest.errored) ? digest.errored : asBackendError(backend, key, error);
  } finally {
    onBytes(digest.bytesSeen);
    source.signal?.removeEventListener('abort', onAbort);
    source.stream.off('error', onSourceError);
    source.stream.unpipe(digest);
    // A backend may refuse without reading a byte; destroying releases the digest's worker session.
    digest.destroy();
  }
}

/** What the core tells the store about an upload: what the client declared and the limit. */
function putOptions(expect: UploadExpectations, length: number | undefined, signal: AbortSignal): PutOptions {
  return {
    ...(length === undefined ? {} : { size: length }),
    maxBytes: expect.maxBytes ?? null,
    ...(expect.checksum === undefined ? {} : { md5: expect.checksum }),
    ...(expect.sha256 === undefined ? {} : { sha256: expect.sha256 }),
    signal,
  };
}

function isUploadVerdict(error: Error | null): error is Error {
  return (
    error instanceof BadDigestError ||
    error instanceof PayloadTooLargeError ||
    error instanceof ClientClosedError ||
    error instanceof ConflictError ||
    // A malformed or missing digest trailer, found once the body ended.
    error instanceof InvalidFieldError
  );
}

/** A backend that throws something other than a VisorError still gets named in the answer. */
export function asBackendError(backend: Backend, key: string, error: unknown): unknown {
  if (error instanceof VisorError) return error;
  return new BackendError(backend.name, key, error instanceof Error ? error.message : String(error), { cause: error });
}
