import type { IncomingHttpHeaders } from 'node:http';
import type { Knex } from 'knex';
import type { Image, ImageDraft } from '../image/image.js';
import type { ResponseDocument } from '../encoder/encoder.js';
import type { BackendCapabilities } from '../backend/capabilities.js';

/** Who is making a request, as established by an access-control plugin. */
export interface Principal {
  id: string;
  role: 'admin' | 'user';
}

/** A REST request as hooks see it. */
export interface RequestContext {
  /** Unique per request; also sent back as `x-request-id`. */
  id: string;
  method: string;
  /** Path as sent, percent-encoded, without the query. */
  path: string;
  /** Raw query string without `?` ('' when none). */
  query: string;
  headers: IncomingHttpHeaders;
  remoteAddress: string;
  /** The route pattern matched, e.g. `/images/:id`. */
  route: string;
  /** Set by an access-control plugin; null when nobody is authenticated. */
  principal: Principal | null;
  /** Scratch space for plugins, keyed by plugin name. */
  state: Record<string, unknown>;
}

/** Passed to every image operation; `request` is absent for in-process calls. */
export interface OperationContext {
  principal: Principal | null;
  request?: RequestContext;
}

export type ImageAction = 'read' | 'download' | 'update' | 'upload' | 'delete';

export interface ImageAccessRequest {
  action: ImageAction;
  image: Image;
  context: OperationContext;
}

/** `deny` answers 403, `hide` answers 404 (the image's existence stays secret). */
export type AccessDecision = 'allow' | 'deny' | 'hide';

/** Extra SQL conditions plugins add to a listing (visibility rules, say). */
export type ListConstraint = (query: Knex.QueryBuilder) => void;

export interface ListRequest {
  constraints: ListConstraint[];
  context: OperationContext;
}

export interface TransferStats {
  /** Bytes sent or received. */
  bytes: number;
  durationMs: number;
  /** `redirected`: the client was sent elsewhere for the bytes (no byte passed through Visor). */
  outcome: 'completed' | 'aborted' | 'failed' | 'redirected';
}

/**
 * A `beforeDownload` tap's answer: send the client elsewhere with `302 Found`
 * (a CDN, the store's presigned URL) instead of streaming the bytes.
 */
export interface DownloadDecision {
  /** Absolute URL. */
  redirect: string;
}

export interface EncodeRequest {
  mediaType: string;
  document: ResponseDocument;
}

export interface EncodedBody {
  contentType: string;
  body: string | Buffer;
}

export interface DecodeRequest {
  mediaType: string;
  text: string;
}

export interface DecodedBody {
  value: unknown;
}

/** What `chooseStore` taps decide from. */
export interface StoreChoice {
  /** The validated registration, with `store` set to the default store. */
  draft: ImageDraft;
  /** The size the client declared for the upload that comes with the registration, in bytes; null when unknown. */
  size: number | null;
  /** The configured stores, by name, with what each can do. */
  stores: ReadonlyArray<{ name: string; type: string; capabilities: BackendCapabilities }>;
  context: OperationContext;
}

/** What `mapError` taps learn about a failed request. */
export interface ErrorEvent {
  /** The REST request that failed. */
  request: RequestContext;
  /** True when the response head was already sent: the error can no longer change the answer. */
  headersSent: boolean;
}
