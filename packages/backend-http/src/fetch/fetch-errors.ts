/**
 * Why fetching from a source failed:
 * - `refused`: the URL or an address it resolves to is not allowed (scheme,
 *   credentials, SSRF guard); nothing was sent to it;
 * - `unreachable`: DNS, connection or TLS failure;
 * - `timeout`: the connect or idle timeout passed;
 * - `redirects`: too many redirects, or a redirect without a usable Location;
 * - `protocol`: the source answered something unusable;
 * - `status`: the source answered an error status (`status` holds it);
 * - `length`: the source tells no length for the object;
 * - `changed`: the object is not the one recorded (ETag, Last-Modified or length differ);
 * - `range`: the range asked for is not inside the object.
 */
export type FetchFailure = 'refused' | 'unreachable' | 'timeout' | 'redirects' | 'protocol' | 'status' | 'length' | 'changed' | 'range';

/**
 * A failure fetching from a source, naming the host and the cause (never the
 * URL's path or query, which may carry tokens, nor any request header).
 */
export class SourceFetchError extends Error {
  override readonly name = 'SourceFetchError';
  constructor(
    readonly failure: FetchFailure,
    /** The host (and port, when not the default) the failure is about. */
    readonly host: string,
    message: string,
    options?: { cause?: unknown; status?: number },
  ) {
    super(message, options?.cause === undefined ? {} : { cause: options.cause });
    this.status = options?.status;
  }

  /** The HTTP status the source answered, for `status` failures. */
  readonly status: number | undefined;
}
