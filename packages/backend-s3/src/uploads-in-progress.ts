import type { S3Client } from '@aws-sdk/client-s3';

interface Watched {
  /** The multipart upload's id once lib-storage has created it. */
  uploadId(): string | undefined;
  /** Stops the upload: called when one of its parts failed for good (after the SDK's retries). */
  fail(error: unknown): void;
}

/**
 * This process's uploads in progress, by S3 object key: cleanup() spares
 * them, and a part that fails for good stops its upload at once.
 * lib-storage's Upload keeps reading the source and sending the other
 * parts after one has failed, and reports the failure only when the whole
 * source is consumed; a client middleware sees the failed UploadPart (its
 * input names key and upload id) and tells the upload.
 */
export class UploadsInProgress {
  private readonly byKey = new Map<string, Set<Watched>>();

  /** Installs the middleware on `client`; call once per client. */
  watch(client: S3Client): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        try {
          return await next(args);
        } catch (error) {
          if (context.commandName === 'UploadPartCommand') this.partFailed(args.input as { Key?: string; UploadId?: string }, error);
          throw error;
        }
      },
      { step: 'initialize', name: 'visorPartFailureWatch', override: true },
    );
  }

  private partFailed(input: { Key?: string; UploadId?: string }, error: unknown): void {
    for (const upload of this.byKey.get(input.Key ?? '') ?? []) {
      if (upload.uploadId() === input.UploadId) upload.fail(error);
    }
  }

  /** Registers an upload to `objectKey`; the returned function unregisters it. */
  add(objectKey: string, upload: Watched): () => void {
    let uploads = this.byKey.get(objectKey);
    if (!uploads) {
      uploads = new Set();
      this.byKey.set(objectKey, uploads);
    }
    uploads.add(upload);
    return () => {
      uploads.delete(upload);
      if (uploads.size === 0) this.byKey.delete(objectKey);
    };
  }

  has(objectKey: string): boolean {
    return this.byKey.has(objectKey);
  }
}
