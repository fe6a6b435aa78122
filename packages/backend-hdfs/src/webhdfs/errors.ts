/** Which node answered or failed: the namenode (metadata, step one) or a datanode (the bytes, step two). */
export type WebHdfsNodeRole = 'namenode' | 'datanode';

/**
 * A failure a namenode or datanode reported as a `RemoteException` JSON body
 * (WebHDFS REST API, "Error Responses" and "RemoteException JSON Schema").
 */
export class WebHdfsRemoteError extends Error {
  constructor(
    /** HTTP status, e.g. 403 for an IOException, 404 for FileNotFoundException. */
    readonly status: number,
    /** Simple class name, e.g. `FileNotFoundException`. */
    readonly exception: string,
    /** Fully qualified class name when the server gave it (an optional property of the schema). */
    readonly javaClassName: string | undefined,
    message: string,
    readonly role: WebHdfsNodeRole,
  ) {
    super(message);
    this.name = 'WebHdfsRemoteError';
  }

  /** True for `exception` or `javaClassName` naming `simpleName` (either may be absent or shortened). */
  is(simpleName: string): boolean {
    return this.exception === simpleName || this.javaClassName?.endsWith(`.${simpleName}`) === true;
  }
}

/**
 * The request did not complete at the HTTP level. `phase` tells what is safe:
 * `connect` failures never reached the server (any request may go to the
 * other namenode); after `transfer` or `timeout` the server may have acted.
 */
export class WebHdfsConnectionError extends Error {
  constructor(
    message: string,
    readonly phase: 'connect' | 'transfer' | 'timeout',
    readonly role: WebHdfsNodeRole,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'WebHdfsConnectionError';
  }
}

/** The server answered something WebHDFS does not define (no Location on a redirect, an error without a RemoteException body). */
export class WebHdfsProtocolError extends Error {
  constructor(
    message: string,
    readonly role: WebHdfsNodeRole,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'WebHdfsProtocolError';
  }
}

/** Every namenode answered StandbyException or could not be reached. */
export class NoActiveNamenodeError extends Error {
  constructor(
    readonly attempts: readonly Error[],
  ) {
    super(`no active namenode: ${attempts.map((error) => error.message).join('; ')}`, { cause: attempts.at(-1) });
    this.name = 'NoActiveNamenodeError';
  }
}

/** The body of an upload yielded another number of bytes than its declared size; the upload was cut off. */
export class SourceLengthError extends Error {
  constructor(
    readonly declared: number,
    readonly yielded: number,
  ) {
    super(yielded > declared ? `the source yielded more than the ${declared} bytes declared` : `the source yielded ${yielded} bytes, not the ${declared} declared`);
    this.name = 'SourceLengthError';
  }
}
