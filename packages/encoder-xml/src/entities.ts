import { BadRequestError } from '@visor/plugin-api';
import { isXmlCharacter } from './xml-characters.js';

// A character or entity reference, or a bare `&` (neither group matched).
const REFERENCE = /&(?:#(x[0-9A-Fa-f]+|[0-9]+);|([A-Za-z_:][^\s&;<>"']*);)?/g;

const PREDEFINED: ReadonlyMap<string, string> = new Map([
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
]);

/**
 * Replaces the five predefined entities and character references in raw text
 * or attribute values. Any other entity is undefined, as DTDs are refused.
 * `where` names the element, for error messages.
 */
export function decodeEntities(raw: string, where: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(REFERENCE, (match: string, number: string | undefined, name: string | undefined) => {
    if (number !== undefined) return character(number, match, where);
    if (name !== undefined) {
      const value = PREDEFINED.get(name);
      if (value === undefined) throw new BadRequestError(`undefined entity ${match} in ${where}`);
      return value;
    }
    throw new BadRequestError(`'&' must be written &amp; in ${where}`);
  });
}

function character(number: string, match: string, where: string): string {
  const codePoint = number.startsWith('x') ? Number.parseInt(number.slice(1), 16) : Number.parseInt(number, 10);
  if (!isXmlCharacter(codePoint)) {
    throw new BadRequestError(`character reference ${match} in ${where} names a character XML 1.0 does not allow`);
  }
  return String.fromCodePoint(codePoint);
}
