import { BadRequestError } from '@visor/plugin-api';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { documentValue, type OrderedNode } from './element-values.js';
import { checkedSource, checkNothingAfterRoot } from './source-checks.js';

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // Entities are decoded by ./entities.ts, which knows only the predefined ones.
  processEntities: false,
  cdataPropName: '#cdata',
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/**
 * Parses an XML request body into `{ rootName: value }`. Throws
 * BadRequestError for an empty body, a DTD, malformed XML or a typed element
 * whose text does not fit its type; UnsupportedMediaTypeError for a body
 * declared in another encoding than UTF-8, or in UTF-16.
 */
export function decodeXml(text: string): Record<string, unknown> {
  const source = checkedSource(text);
  // The parser itself is lenient (it accepts unclosed tags); the validator is not.
  const validation = XMLValidator.validate(source);
  if (validation !== true) {
    const { msg, line, col } = validation.err;
    throw new BadRequestError(`request body is not well-formed XML: ${msg.replace(/\.$/, '')} (line ${line}, column ${col})`, {
      details: { line, column: col },
    });
  }
  checkNothingAfterRoot(source);
  let nodes: OrderedNode[];
  try {
    nodes = parser.parse(source) as OrderedNode[];
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new BadRequestError(`request body is not well-formed XML: ${reason}`, { cause: error });
  }
  return documentValue(nodes);
}
