import { ForbiddenError, UnauthorizedError } from '@visor/plugin-api';
import { parseAuthorization, presignString, safeEqual, sign } from '@visor/client';
import { hmacBase64 } from './hmac.js';

/** How far a request's date may be from the server's clock. */
export const MAX_SKEW_MS = 15 * 60 * 1000;

/** The parts of a request a signature covers (a RequestContext has them all). */
export interface SignedRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * The paths a signature over `request` may cover: the path Visor received
 * (the rule: clients sign the path relative to the service's base URL), and,
 * when `publicUrl` has a path prefix that a reverse proxy strips, the path as
 * the client sent it with that prefix (what a hand-written signer signs).
 * The prefix comes from the configuration only, never from a request header,
 * so a client cannot make a signature over one route count for another.
 */
export function signedPathCandidates(path: string, pathPrefix: string): string[] {
  const prefix = pathPrefix.replace(/\/+$/, '');
  return prefix === '' ? [path] : [path, `${prefix}${path}`];
}

/** Looks up a user's secret; undefined for an unknown access key. */
export type SecretLookup<U> = (accessKey: string) => Promise<{ user: U; secret: string } | undefined>;

function header(headers: SignedRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** Checks `Authorization: VISOR <access_key>:<signature>` and the request's date; returns the user. */
export async function verifySignedRequest<U>(request: SignedRequest, lookup: SecretLookup<U>, now = Date.now(), pathPrefix = ''): Promise<U> {
  const authorization = header(request.headers, 'authorization');
  if (authorization === undefined || authorization.trim() === '') {
    throw new UnauthorizedError('missing Authorization header: sign the request and send Authorization: VISOR <access_key>:<signature>');
  }
  const parsed = parseAuthorization(authorization);
  if (parsed === undefined) {
    throw new UnauthorizedError('malformed Authorization header: expected VISOR <access_key>:<base64 signature>');
  }
  const found = await lookup(parsed.accessKey);
  if (found === undefined) throw new ForbiddenError(`unknown access key '${parsed.accessKey}'`);
  const matches = signedPathCandidates(request.path, pathPrefix).some((path) => safeEqual(sign(found.secret, { ...request, path }), parsed.signature));
  if (!matches) {
    throw new ForbiddenError('signature does not match: check the secret key and that the StringToSign covers the request as sent');
  }
  checkDate(header(request.headers, 'x-visor-date') ?? header(request.headers, 'date'), now);
  return found.user;
}

function checkDate(value: string | undefined, now: number): void {
  if (value === undefined) throw new ForbiddenError('the request has no date: send an x-visor-date or Date header and sign it');
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw new ForbiddenError(`the request date '${value}' is not an HTTP date such as 'Tue, 24 Nov 2026 10:00:00 GMT'`);
  if (Math.abs(now - at) > MAX_SKEW_MS) {
    throw new ForbiddenError(
      `the request date '${value}' is more than 15 minutes from the server's time (${new Date(now).toUTCString()}): check the client's clock, and sign each request anew`,
    );
  }
}

/** Whether a query carries presigned-URL parameters. */
export function isPresigned(query: URLSearchParams): boolean {
  return query.has('signature') || query.has('access_key') || query.has('expires');
}

/** Checks `?access_key=&expires=&signature=` of a presigned GET/HEAD; returns the user. */
export async function verifyPresigned<U>(request: SignedRequest, lookup: SecretLookup<U>, now = Date.now(), pathPrefix = ''): Promise<U> {
  const query = new URLSearchParams(request.query);
  const accessKey = query.get('access_key');
  const expires = query.get('expires');
  const signature = query.get('signature');
  if (accessKey === null || expires === null || signature === null || !/^\d{1,15}$/.test(expires)) {
    throw new UnauthorizedError('malformed presigned URL: it needs access_key, expires (Unix seconds) and signature');
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    throw new UnauthorizedError(`presigned URLs are for GET and HEAD only, not ${request.method}`);
  }
  const found = await lookup(accessKey);
  if (found === undefined) throw new ForbiddenError(`unknown access key '${accessKey}'`);
  const method = request.method;
  const matches = signedPathCandidates(request.path, pathPrefix).some((path) =>
    safeEqual(hmacBase64(found.secret, presignString(method, path, Number(expires))), signature),
  );
  if (!matches) throw new ForbiddenError('presigned URL signature does not match');
  if (Number(expires) * 1000 < now) {
    throw new ForbiddenError(`presigned URL expired at ${new Date(Number(expires) * 1000).toISOString()}`);
  }
  return found.user;
}
