import { BadRequestError } from '@visor/plugin-api';
import { decodeEntities } from './entities.js';

/**
 * A node of fast-xml-parser's `preserveOrder` output: an element
 * `{ name: children, ':@'?: attributes }`, a text node `{ '#text': raw }` or a
 * CDATA section `{ '#cdata': [{ '#text': raw }] }`.
 */
export type OrderedNode = Record<string, unknown>;

interface Element {
  name: string;
  children: OrderedNode[];
  attributes: Record<string, unknown>;
}

const TEXT = '#text';
const CDATA = '#cdata';
const ATTRIBUTES = ':@';
// fast-xml-parser renames a `__proto__` element so; addMember stores it safely under its real name.
const RENAMED_PROTO = '#__proto__';
const ONLY_XML_WHITESPACE = /^[ \t\r\n]*$/;
const XML_WHITESPACE_AROUND = /^[ \t\r\n]+|[ \t\r\n]+$/g;
// Far deeper than any request needs, and shallow enough for the recursion below.
const MAX_DEPTH = 1000;
const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

/** The value of a parsed document: `{ rootName: rootValue }`. */
export function documentValue(nodes: readonly OrderedNode[]): Record<string, unknown> {
  const roots = nodes.map(asElement).filter((element) => element !== undefined);
  const root = roots[0];
  if (root === undefined || roots.length > 1) {
    // fast-xml-parser's validator misses a second root element when both are empty (`<a/><b/>`).
    throw new BadRequestError('request body is not well-formed XML: it must hold exactly one root element');
  }
  const key = keyOf(root, '');
  const document: Record<string, unknown> = {};
  addMember(document, key, elementValue(root, `/${key}`, 1));
  return document;
}

/**
 * null for `nil="true"`; an object for an element with child elements (a
 * repeated child becomes an array); otherwise its text, typed by `type`.
 * `path` names the element in error messages.
 */
function elementValue(element: Element, path: string, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new BadRequestError(`request body nests elements more than ${MAX_DEPTH} deep`);
  const nil = attribute(element, 'nil', path);
  const type = attribute(element, 'type', path);
  let text = '';
  const children: Element[] = [];
  for (const node of element.children) {
    if (TEXT in node) text += decodeEntities(String(node[TEXT]), path);
    else if (CDATA in node) text += cdataText(node[CDATA]);
    else {
      const child = asElement(node);
      if (child !== undefined) children.push(child);
    }
  }

  if (nil === 'true') {
    if (children.length > 0 || !ONLY_XML_WHITESPACE.test(text)) {
      throw invalidElement(path, `element ${path} has nil="true" but is not empty`);
    }
    return null;
  }
  if (nil !== undefined && nil !== 'false') {
    throw invalidElement(path, `element ${path} has nil="${nil}"; nil is "true" or "false"`);
  }
  if (children.length === 0) return typedText(text, type, path);

  if (!ONLY_XML_WHITESPACE.test(text)) throw invalidElement(path, `element ${path} mixes text and child elements`);
  if (type !== undefined) throw invalidElement(path, `element ${path} has type="${type}" but holds child elements`);
  const members: Record<string, unknown> = {};
  for (const child of children) {
    const key = keyOf(child, path);
    addMember(members, key, elementValue(child, `${path}/${key}`, depth + 1));
  }
  return members;
}

function typedText(text: string, type: string | undefined, path: string): unknown {
  switch (type) {
    case undefined:
    case 'string':
      return text;
    case 'number': {
      const trimmed = text.replace(XML_WHITESPACE_AROUND, '');
      const number = Number(trimmed);
      if (!JSON_NUMBER.test(trimmed) || !Number.isFinite(number)) {
        throw invalidElement(path, `element ${path} has type="number" but ${quoted(text)} is not a number`);
      }
      return number;
    }
    case 'boolean': {
      const trimmed = text.replace(XML_WHITESPACE_AROUND, '');
      if (trimmed === 'true') return true;
      if (trimmed === 'false') return false;
      throw invalidElement(path, `element ${path} has type="boolean" but ${quoted(text)} is neither true nor false`);
    }
    default:
      throw invalidElement(path, `element ${path} has type="${type}"; the types are number, boolean and string`);
  }
}

/** The member name an element stands for: its name, or for `<entry name="…">` the name attribute. */
function keyOf(element: Element, parentPath: string): string {
  if (element.name === 'entry') {
    const name = element.attributes['name'];
    if (typeof name === 'string') return attributeValue(name, `${parentPath}/entry`);
  }
  return element.name;
}

function attribute(element: Element, name: string, path: string): string | undefined {
  const raw = element.attributes[name];
  return typeof raw === 'string' ? attributeValue(raw, path) : undefined;
}

/** A raw attribute value, normalised as XML 1.0 requires: whitespace characters become spaces. */
function attributeValue(raw: string, where: string): string {
  return decodeEntities(raw.replace(/[\t\n\r]/g, ' '), where);
}

function asElement(node: OrderedNode): Element | undefined {
  for (const name of Object.keys(node)) {
    if (name === ATTRIBUTES || name === TEXT || name === CDATA) continue;
    const children = node[name];
    const attributes = node[ATTRIBUTES];
    return {
      name: name === RENAMED_PROTO ? '__proto__' : name,
      children: Array.isArray(children) ? (children as OrderedNode[]) : [],
      attributes: typeof attributes === 'object' && attributes !== null ? (attributes as Record<string, unknown>) : {},
    };
  }
  return undefined;
}

function cdataText(value: unknown): string {
  if (!Array.isArray(value)) return '';
  let text = '';
  for (const node of value as OrderedNode[]) text += String(node[TEXT] ?? '');
  return text;
}

/** Sets `key` as an own member even when it is `__proto__`; a repeated key collects its values in an array. */
function addMember(target: Record<string, unknown>, key: string, value: unknown): void {
  let stored = value;
  if (Object.hasOwn(target, key)) {
    const existing = target[key];
    // Element values are never arrays themselves, so an array here is one this function made.
    if (Array.isArray(existing)) {
      existing.push(value);
      return;
    }
    stored = [existing, value];
  }
  Object.defineProperty(target, key, { value: stored, enumerable: true, writable: true, configurable: true });
}

function invalidElement(path: string, message: string): BadRequestError {
  return new BadRequestError(message, { details: { element: path } });
}

function quoted(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
