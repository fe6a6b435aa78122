import { pipeline, type Readable } from 'node:stream';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SizeGuard } from './size-guard.js';
import { abortError, withdraw, type UploadRequest, type UploadResult } from './upload.js';

/**
 * Streams `source` to the server as one PutObject with its Content-Length,
 * for servers without multipart uploads (Nimbus Cumulus). The body goes
 * from the source to the socket with backpressure: nothing is spooled to
 * disk or memory beyond a stream buffer and the one chunk held back (see
 * SizeGuard's `holdLast`), whatever the size. A size is required (the core
 * refuses an upload of unknown length to such a store with 411 before
 * reading it).
 *
 * The last chunk leaves only once the source has ended cleanly with exactly
 * `size` bytes, so when the source fails, yields a byte too many or too
 * few, or the signal aborts, the body stays short of its Content-Length,
 * the request is cut, and the server stores nothing (the old object at the
 * key, if any, stays). A streamed body cannot be sent twice, so the SDK
 * does not retry this request. Rejects with the first cause (the source's
 * error, a SizeMismatchError, the abort reason, or the SDK's error for the
 * caller to map).
 */
export async function putSingleObject(source: Readable, request: UploadRequest & { size: number }): Promise<UploadResult> {
  const { signal } = request;
  signal?.throwIfAborted();
  const guard = new SizeGuard(request.size, true);
  const controller = new AbortController();
  let cause: unknown;
  const stop = (error: unknown) => {
    cause ??= error;
    guard.destroy(error instanceof Error ? error : new Error(String(error)));
    controller.abort(cause);
  };
  pipeline(source, guard, (error) => {
    if (error) stop(error);
  });
  const onAbort = () => stop(abortError(signal!));
  signal?.addEventListener('abort', onAbort, { once: true });
  let output;
  try {
    output = await request.client.send(
      new PutObjectCommand({ Bucket: request.bucket, Key: request.objectKey, Body: guard, ContentLength: request.size, ...request.objectParams }),
      { abortSignal: controller.signal },
    );
  } catch (error) {
    source.destroy();
    throw cause ?? error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (signal?.aborted) await withdraw(request, abortError(signal));
  return { size: guard.bytes, etag: output.ETag, versionId: output.VersionId };
}
