import type { ResponseDocument } from '../encoder/encoder.js';
import type { RequestContext } from '../hooks/contexts.js';

export type RouteMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';

export interface RouteInput {
  context: RequestContext;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Reads and decodes the request body (JSON, XML or any encoder's media type). */
  body(): Promise<unknown>;
}

export interface RouteOutput {
  /** 200 unless given. */
  status?: number;
  /** Encoded for the negotiated media type; absent for an empty body. */
  document?: ResponseDocument;
  headers?: Record<string, string>;
}

export type RouteHandler = (input: RouteInput) => Promise<RouteOutput>;

/** How plugins add REST endpoints: responses are negotiated and encoded like the core's own. */
export interface RouteRegistry {
  add(method: RouteMethod, path: string, handler: RouteHandler): void;
}
