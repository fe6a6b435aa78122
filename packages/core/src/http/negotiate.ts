import Negotiator from 'negotiator';
import { NotAcceptableError } from '@visor/plugin-api';

/** Picks the response media type from `Accept`; throws NotAcceptableError when nothing fits. */
export function negotiateMediaType(accept: string | undefined, available: readonly string[]): string {
  if (accept === undefined || accept.trim() === '') return available[0]!;
  const chosen = new Negotiator({ headers: { accept } }).mediaType([...available]);
  if (chosen === undefined) {
    throw new NotAcceptableError(`none of the media types in Accept (${accept}) can be produced; available: ${available.join(', ')}`);
  }
  return chosen.toLowerCase();
}

/** The bare media type of a Content-Type header, lower-cased, without parameters. */
export function mediaTypeOf(contentType: string | undefined): string | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type === '' ? undefined : type;
}

/** The `charset` parameter of a Content-Type header as sent (quotes removed), or undefined without one (RFC 9110 §8.3). */
export function charsetOf(contentType: string | undefined): string | undefined {
  const match = contentType === undefined ? null : /;[ \t]*charset[ \t]*=[ \t]*(?:"([^"]*)"|([^;, \t]*))/i.exec(contentType);
  return match === null ? undefined : (match[1] ?? match[2]);
}
