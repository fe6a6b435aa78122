import { BadRequestError, UnsupportedMediaTypeError, lineColumnAt, namesUtf8 } from '@visor/plugin-api';
import { NOT_XML_CHARACTER } from './xml-characters.js';

const BYTE_ORDER_MARK = 0xfeff;
const ONLY_XML_WHITESPACE = /^[ \t\r\n]*$/;
// A DTD can pull in external files (XXE) or expand entities exponentially; no
// request body needs one. Matched anywhere, even in comments, to stay simple.
const DECLARATION = /<!(DOCTYPE|ENTITY)/i;
const NOT_XML = new RegExp(NOT_XML_CHARACTER);
// The XML declaration, only at the very start (XML 1.0 §2.8), and its encoding pseudo-attribute (§4.3.3).
const XML_DECLARATION = /^<\?xml[ \t\r\n][^]*?\?>/;
const ENCODING_DECLARATION = /[ \t\r\n]encoding[ \t\r\n]*=[ \t\r\n]*(?:"([^"]*)"|'([^']*)')/;
// UTF-16 read as UTF-8: '<' with a NUL byte before or after it (XML 1.0 appendix F, 00 3C / 3C 00).
const UTF16_WITHOUT_MARK = /^(?:\0<|<\0)/;
const ONLY_UTF8 = 'request bodies are read as UTF-8 only';

/**
 * Checks done on the raw text before any XML parsing: returns the text without
 * its byte order mark, or throws BadRequestError for an empty body, a DTD or
 * entity declaration, or a character XML 1.0 does not allow, and
 * UnsupportedMediaTypeError (415) for a body in another encoding than UTF-8
 * (declared, or UTF-16 recognised by its NUL bytes): Visor hands encoders
 * the body decoded as UTF-8, so any other encoding would be misread.
 */
export function checkedSource(text: string): string {
  const source = text.charCodeAt(0) === BYTE_ORDER_MARK ? text.slice(1) : text;
  if (ONLY_XML_WHITESPACE.test(source)) throw new BadRequestError('empty body');

  if (UTF16_WITHOUT_MARK.test(source)) {
    throw new UnsupportedMediaTypeError(`the request body looks like UTF-16 (NUL bytes beside "<", XML 1.0 appendix F); ${ONLY_UTF8}: send UTF-8`);
  }
  checkDeclaredEncoding(source);

  const declaration = DECLARATION.exec(source);
  if (declaration !== null) {
    const keyword = (declaration[1] ?? '').toUpperCase();
    throw new BadRequestError(`${keyword} declarations are not allowed in request bodies${at(source, declaration.index)}`, {
      details: lineColumnAt(source, declaration.index),
    });
  }

  const character = NOT_XML.exec(source);
  if (character !== null) {
    const codePoint = character[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    throw new BadRequestError(`request body contains U+${codePoint}, a character XML 1.0 does not allow${at(source, character.index)}`, {
      details: lineColumnAt(source, character.index),
    });
  }
  return source;
}

/**
 * Throws UnsupportedMediaTypeError when the XML declaration names an encoding
 * other than UTF-8. XML 1.0 §4.3.3 asks for encoding names to be matched
 * case-insensitively; `UTF-8` and the other labels the Encoding Standard
 * gives UTF-8 (`utf8`) are accepted.
 */
function checkDeclaredEncoding(source: string): void {
  const declaration = XML_DECLARATION.exec(source);
  const encoding = declaration === null ? null : ENCODING_DECLARATION.exec(declaration[0]);
  if (encoding === null) return;
  const name = encoding[1] ?? encoding[2] ?? '';
  if (namesUtf8(name)) return;
  const position = lineColumnAt(source, encoding.index + 1);
  // An encoding name is a short word (EncName, §4.3.3); a long one is cut rather than echoed whole.
  const shown = name.length > 40 ? `${name.slice(0, 40)}…` : name;
  throw new UnsupportedMediaTypeError(
    `the XML declaration says encoding="${shown}"${at(source, encoding.index + 1)}; ${ONLY_UTF8}: send UTF-8, declaring encoding="UTF-8" or no encoding`,
    { details: { encoding: shown, ...position } },
  );
}

/**
 * Throws BadRequestError for text after the root element, which both
 * fast-xml-parser's validator and its parser silently ignore. Call it on a
 * validated document, whose last `>` closes the root, a comment or a PI.
 */
export function checkNothingAfterRoot(source: string): void {
  const end = source.lastIndexOf('>') + 1;
  const trailing = /[^ \t\r\n]/.exec(source.slice(end));
  if (trailing !== null) {
    const offset = end + trailing.index;
    throw new BadRequestError(`request body is not well-formed XML: text after the root element${at(source, offset)}`, {
      details: lineColumnAt(source, offset),
    });
  }
}

function at(source: string, offset: number): string {
  const { line, column } = lineColumnAt(source, offset);
  return ` (line ${line}, column ${column})`;
}
