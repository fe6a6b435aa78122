import { decodeXml } from '@visor/encoder-xml';
import Negotiator from 'negotiator';
import type { WireRequest, WireResponse } from './wire.js';

/** The media types a default Visor answers in, the first being the default (docs/rest-api.md, Content negotiation). */
const MEDIA_TYPES = ['application/json', 'application/xml', 'text/xml'];

/**
 * Statuses the docs promise for a stated cause, beyond 4xx: none of them can
 * arise in a fuzz run (a healthy database, a store with room, files nobody
 * else touches), so every 5xx is a finding.
 */
const DOCUMENTED_5XX = new Set<number>();

/** The header's value as the server sees it: repeated headers joined with `, `. */
export function headerOf(request: WireRequest, name: string): string | undefined {
  const values = request.headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v.trim());
  return values.length === 0 ? undefined : values.join(', ');
}

/** The media type the server must answer a document in: Accept negotiated, JSON when it names nothing producible. */
export function negotiated(request: WireRequest): string {
  const accept = headerOf(request, 'accept');
  if (accept === undefined || accept.trim() === '') return MEDIA_TYPES[0]!;
  try {
    return new Negotiator({ headers: { accept } }).mediaType([...MEDIA_TYPES])?.toLowerCase() ?? MEDIA_TYPES[0]!;
  } catch {
    return MEDIA_TYPES[0]!;
  }
}

/** The document of a response body, parsed by its Content-Type; throws when it does not parse. */
export function parseDocument(response: WireResponse): Record<string, unknown> {
  const type = (response.headers['content-type'] ?? '').split(';')[0]!.trim();
  const text = new TextDecoder('utf-8', { fatal: true }).decode(response.body);
  if (type === 'application/json') return JSON.parse(text) as Record<string, unknown>;
  if (type === 'application/xml' || type === 'text/xml') return decodeXml(text);
  throw new Error(`unexpected content-type '${type}'`);
}

/** The error member of an error document: JSON `{code, message}`, XML `<error>…</error>`. */
function errorOf(document: Record<string, unknown>): Record<string, unknown> {
  const inner = document.error;
  return typeof inner === 'object' && inner !== null ? (inner as Record<string, unknown>) : document;
}

/**
 * The properties every answer must have, whatever was asked: no undocumented
 * 5xx; an error carries `x-error-code` and an ASCII `x-error-message` that
 * decodes, and (except HEAD) a body that parses in the negotiated format with
 * the same code and a message naming the cause. Returns what is wrong.
 */
export function checkAnswer(request: WireRequest, response: WireResponse): string[] {
  const problems: string[] = [];
  if (response.status >= 500 && !DOCUMENTED_5XX.has(response.status)) problems.push(`undocumented ${response.status}`);
  if (response.status < 400) return problems;

  const code = response.headers['x-error-code'];
  const message = response.headers['x-error-message'];
  if (code === undefined || !/^[A-Za-z]+$/.test(code)) problems.push(`error without a proper x-error-code (${String(code)})`);
  if (message === undefined || !/^[\x20-\x7e]*$/.test(message)) problems.push('error without an ASCII x-error-message');
  else {
    try {
      if (decodeURIComponent(message).trim() === '') problems.push('empty x-error-message');
    } catch {
      problems.push(`x-error-message does not percent-decode: ${message.slice(0, 200)}`);
    }
  }
  if (request.method === 'HEAD') return problems;
  if (response.body.length === 0) return [...problems, `error ${response.status} without a body`];

  // Requests refused by the HTTP parser never had their Accept read: JSON is the only format then.
  const expected = response.headers['x-request-id'] === undefined ? MEDIA_TYPES[0]! : negotiated(request);
  const type = (response.headers['content-type'] ?? '').split(';')[0]!.trim();
  if (type !== expected) problems.push(`error body in '${type}', negotiated '${expected}'`);
  try {
    const error = errorOf(parseDocument(response));
    if (error.code !== code) problems.push(`body code ${String(error.code)} differs from x-error-code ${String(code)}`);
    if (typeof error.message !== 'string' || error.message.trim() === '') problems.push('error body without a message');
  } catch (cause) {
    problems.push(`error body does not parse as '${type}': ${(cause as Error).message}`);
  }
  return problems;
}
