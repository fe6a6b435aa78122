import { BadRequestError, lineColumnAt } from '@visor/plugin-api';
import { NOT_XML_CHARACTER } from './xml-characters.js';

const BYTE_ORDER_MARK = 0xfeff;
const ONLY_XML_WHITESPACE = /^[ \t\r\n]*$/;
// A DTD can pull in external files (XXE) or expand entities exponentially; no
// request body needs one. Matched anywhere, even in comments, to stay simple.
const DECLARATION = /<!(DOCTYPE|ENTITY)/i;
const NOT_XML = new RegExp(NOT_XML_CHARACTER);

/**
 * Checks done on the raw text before any XML parsing: returns the text without
 * its byte order mark, or throws BadRequestError for an empty body, a DTD or
 * entity declaration, or a character XML 1.0 does not allow.
 */
export function checkedSource(text: string): string {
  const source = text.charCodeAt(0) === BYTE_ORDER_MARK ? text.slice(1) : text;
  if (ONLY_XML_WHITESPACE.test(source)) throw new BadRequestError('empty body');

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
