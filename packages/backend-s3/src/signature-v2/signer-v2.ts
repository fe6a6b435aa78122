import { signatureV2, type QueryValues } from './string-to-sign.js';

/** Credentials as the SDK's providers give them. */
export interface V2Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/**
 * Where the signer gets credentials, each time it signs: a provider that
 * caches and refreshes them (the SDK client's resolved `credentials`, which
 * renews temporary ones before they expire) or a fixed set.
 */
export type V2CredentialSource = V2Credentials | (() => Promise<V2Credentials>);

export interface SignatureV2SignerOptions {
  credentials: V2CredentialSource;
  /**
   * A path prefix left out of the signed resource, e.g. `/services/Walrus`:
   * the request goes to `/services/Walrus/bucket/key`, the signature covers
   * `/bucket/key` (the form Eucalyptus Walrus accepts behind its service
   * path). Default: none, the whole path is signed.
   */
  unsignedPathPrefix?: string;
}

/** The request shape the SDK passes to `sign` (an `HttpRequest` of `@smithy/protocol-http`). */
export interface SdkHttpRequest {
  method: string;
  path: string;
  query?: QueryValues;
  headers: Record<string, string>;
}

/** Drops `prefix` from the front of `path` when it is a whole leading segment run. */
export function withoutPrefix(path: string, prefix: string | undefined): string {
  if (!prefix || prefix === '/') return path;
  const normalized = prefix.replace(/\/+$/, '');
  if (path === normalized) return '/';
  return path.startsWith(`${normalized}/`) ? path.slice(normalized.length) : path;
}

export async function resolveV2Credentials(source: V2CredentialSource): Promise<V2Credentials> {
  return typeof source === 'function' ? source() : source;
}

/**
 * AWS Signature Version 2 for the AWS SDK v3 (its `signer` client setting):
 * the SDK calls `sign(request, { signingDate })` for each attempt, without
 * credentials, and sends what it returns. Adds `Date` (RFC 9110 IMF-fixdate,
 * from the SDK's clock-skew-corrected `signingDate`), `x-amz-security-token`
 * with temporary credentials, and `Authorization: AWS <key id>:<signature>`
 * (AWS S3 API reference, "Signing and authenticating REST requests (AWS
 * signature version 2)"). The body is not signed, so a streamed body needs
 * no hashing. The request passed in is left unchanged.
 */
export class SignatureV2Signer {
  constructor(private readonly options: SignatureV2SignerOptions) {}

  async sign<R extends SdkHttpRequest>(request: R, signing: { signingDate?: Date } = {}): Promise<R> {
    const credentials = await resolveV2Credentials(this.options.credentials);
    // Same prototype, own headers: the SDK's HttpRequest.isInstance still holds, and a retry signs afresh.
    const signed = Object.assign(Object.create(Object.getPrototypeOf(request) as object) as R, request, { headers: { ...request.headers } });
    for (const name of Object.keys(signed.headers)) {
      const lower = name.toLowerCase();
      if (lower === 'date' || lower === 'authorization' || lower === 'x-amz-security-token' || lower === 'x-amz-date') delete signed.headers[name];
    }
    signed.headers.date = (signing.signingDate ?? new Date()).toUTCString();
    if (credentials.sessionToken) signed.headers['x-amz-security-token'] = credentials.sessionToken;
    const signature = signatureV2(credentials.secretAccessKey, {
      method: signed.method,
      path: withoutPrefix(signed.path, this.options.unsignedPathPrefix),
      query: signed.query,
      headers: signed.headers,
    });
    signed.headers.authorization = `AWS ${credentials.accessKeyId}:${signature}`;
    return signed;
  }
}
