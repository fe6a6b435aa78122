import { authorizationHeader } from '@visor/client';
import { rawRequest, type HttpResponse } from './http.js';

export interface Credentials {
  accessKey: string;
  secret: string;
}

export interface SignedOptions {
  headers?: Record<string, string>;
  /** Objects are sent as JSON; Buffers as they are. */
  body?: object | Buffer | string;
  /** The x-visor-date to sign; now unless given. */
  date?: Date;
  /** Changes the request after signing (tampering tests). */
  tamper?: (request: { target: string; headers: Record<string, string> }) => void;
}

/**
 * Sends a request signed with the client library's reference signing
 * (`credentials` null: unsigned). `target` is the path and query as sent.
 */
export function signedRequest(baseUrl: string, credentials: Credentials | null, method: string, target: string, options: SignedOptions = {}): Promise<HttpResponse> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | Buffer | undefined;
  if (Buffer.isBuffer(options.body) || typeof options.body === 'string') body = options.body;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  if (credentials !== null) {
    headers['x-visor-date'] ??= (options.date ?? new Date()).toUTCString();
    const q = target.indexOf('?');
    const path = q === -1 ? target : target.slice(0, q);
    const query = q === -1 ? '' : target.slice(q + 1);
    headers.authorization = authorizationHeader(credentials.accessKey, credentials.secret, { method, path, query, headers });
  }
  const request = { target, headers };
  options.tamper?.(request);
  return rawRequest(baseUrl, method, request.target, request.headers, body);
}

/** A client bound to one server and one user. */
export function as(baseUrl: string, credentials: Credentials | null) {
  const send = (method: string, target: string, options?: SignedOptions) => signedRequest(baseUrl, credentials, method, target, options);
  return {
    credentials,
    send,
    get: (target: string, options?: SignedOptions) => send('GET', target, options),
    head: (target: string, options?: SignedOptions) => send('HEAD', target, options),
    post: (target: string, body?: object, options?: SignedOptions) => send('POST', target, { ...options, ...(body === undefined ? {} : { body }) }),
    put: (target: string, body?: object | Buffer, options?: SignedOptions) => send('PUT', target, { ...options, ...(body === undefined ? {} : { body }) }),
    delete: (target: string, options?: SignedOptions) => send('DELETE', target, options),
    upload: (target: string, data: Buffer) => send('PUT', target, { body: data, headers: { 'content-type': 'application/octet-stream' } }),
  };
}

export type AsClient = ReturnType<typeof as>;
