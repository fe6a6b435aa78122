/**
 * The one set of rules for client text, applied after decoding, whatever the
 * text came in (a JSON string, XML text or attribute, a percent-decoded
 * `x-image-meta-*` header, a query parameter): what a stored name or value may
 * hold, and how client text is escaped when a message quotes it back.
 * docs/rest-api.md, "Text rules", states the same rules.
 *
 * Characters no stored text may hold (Unicode 15, chapter 23 and section 3.9):
 * - unpaired surrogates (U+D800..U+DFFF not in a high-low pair): not characters,
 *   not encodable in UTF-8, so a database or an XML answer would alter them;
 * - control characters (general category Cc): C0 U+0000..U+001F, DEL U+007F and
 *   C1 U+0080..U+009F, except that property values may hold tab, line feed and
 *   carriage return;
 * - noncharacters: U+FDD0..U+FDEF and the last two code points of every plane
 *   (U+FFFE, U+FFFF, U+1FFFE, ... U+10FFFF).
 */

/** Why a text was refused, and where: `index` counts UTF-16 code units, `codePoint` is the offending one. */
export interface ForbiddenCharacter {
  index: number;
  codePoint: number;
  kind: 'unpaired surrogate' | 'control character' | 'noncharacter';
}

const LINE_BREAKS_AND_TAB = new Set([0x09, 0x0a, 0x0d]);
// Everything a rule could object to is below U+00A0, a surrogate, or in U+FDD0..U+FFFF or a plane's end:
// one quick test rules out most strings.
const MAYBE_FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]/;

function isNoncharacter(codePoint: number): boolean {
  return (codePoint >= 0xfdd0 && codePoint <= 0xfdef) || (codePoint & 0xfffe) === 0xfffe;
}

function isControl(codePoint: number): boolean {
  return codePoint <= 0x1f || (codePoint >= 0x7f && codePoint <= 0x9f);
}

/**
 * The first character of `text` the rules refuse, or undefined. With
 * `allowLineBreaks`, tab, LF and CR pass (property values).
 */
export function firstForbidden(text: string, allowLineBreaks = false): ForbiddenCharacter | undefined {
  if (!MAYBE_FORBIDDEN.test(text)) return undefined;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit >= 0xd800 && unit <= 0xdfff) {
      const next = text.charCodeAt(index + 1);
      if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        const codePoint = ((unit - 0xd800) << 10) + (next - 0xdc00) + 0x10000;
        if (isNoncharacter(codePoint)) return { index, codePoint, kind: 'noncharacter' };
        index += 1;
        continue;
      }
      return { index, codePoint: unit, kind: 'unpaired surrogate' };
    }
    if (isControl(unit) && !(allowLineBreaks && LINE_BREAKS_AND_TAB.has(unit))) return { index, codePoint: unit, kind: 'control character' };
    if (isNoncharacter(unit)) return { index, codePoint: unit, kind: 'noncharacter' };
  }
  return undefined;
}

/** `U+0041` notation of a code point. */
export function codePointName(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** "holds U+0007, a control character, at character 3" (1-based, in UTF-16 code units). */
export function describeForbidden(found: ForbiddenCharacter): string {
  return `holds ${codePointName(found.codePoint)}, ${found.kind === 'unpaired surrogate' ? 'an' : 'a'} ${found.kind}, at character ${found.index + 1}`;
}

/** Length in characters (code points), as the limits in the docs count them. */
export function characterCount(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) index += 1;
    }
    count += 1;
  }
  return count;
}

/** Longest client text a message quotes; longer text is cut and ends in `…`. */
export const QUOTE_LIMIT = 64;

/**
 * Writes every character the rules refuse (tab, LF and CR included) as
 * `\u{XXXX}`, so that a message is well-formed text in any encoding and
 * shows the client exactly what was refused. Total: never throws.
 */
export function escapeForbidden(text: string): string {
  if (!MAYBE_FORBIDDEN.test(text)) return text;
  let out = '';
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    const found = firstForbidden(text[index]! + (text[index + 1] ?? ''));
    const unit = text.charCodeAt(index);
    const pair = unit >= 0xd800 && unit <= 0xdbff && text.charCodeAt(index + 1) >= 0xdc00 && text.charCodeAt(index + 1) <= 0xdfff;
    if (found !== undefined && found.index === 0) {
      out += `${text.slice(start, index)}\\u{${found.codePoint.toString(16).toUpperCase().padStart(4, '0')}}`;
      start = index + (pair ? 2 : 1);
    }
    if (pair) index += 1;
  }
  return out + text.slice(start);
}

/** Client text as a message quotes it: `'…'`, escaped, cut after QUOTE_LIMIT characters. */
export function quoted(text: string): string {
  let cut = text;
  if (text.length > QUOTE_LIMIT) {
    // Never split a surrogate pair.
    const end = text.charCodeAt(QUOTE_LIMIT - 1) >= 0xd800 && text.charCodeAt(QUOTE_LIMIT - 1) <= 0xdbff ? QUOTE_LIMIT - 1 : QUOTE_LIMIT;
    cut = `${text.slice(0, end)}…`;
  }
  return `'${escapeForbidden(cut)}'`;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Length in characters as users see them: extended grapheme clusters (Unicode
 * UAX #29), so a flag, an emoji with a skin tone or a family, or a letter with
 * combining accents counts as one. Measured with `Intl.Segmenter`.
 */
export function graphemeCount(text: string): number {
  let count = 0;
  for (const _ of graphemes.segment(text)) count += 1;
  return count;
}
