import { NOT_XML_CHARACTER } from './xml-characters.js';

// `\r` is escaped everywhere because parsers turn a raw one into `\n`; tabs and
// newlines in attributes because parsers turn raw ones into spaces.
const TEXT_UNSAFE = new RegExp(String.raw`[&<>"'\r]|${NOT_XML_CHARACTER}`, 'g');
const ATTRIBUTE_UNSAFE = new RegExp(String.raw`[&<>"'\t\n\r]|${NOT_XML_CHARACTER}`, 'g');

const REFERENCES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

// Characters XML cannot carry are replaced rather than refused, so that one odd
// character in stored data does not make a whole listing fail.
const REPLACEMENT_CHARACTER = '\uFFFD';

function reference(character: string): string {
  return REFERENCES[character] ?? REPLACEMENT_CHARACTER;
}

// Most strings need no escaping; this test, without lookarounds, is quicker to rule that out.
const TEXT_MAYBE_UNSAFE = /[&<>"'\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

/** `value` made safe as element content. */
export function escapeText(value: string): string {
  return TEXT_MAYBE_UNSAFE.test(value) ? value.replace(TEXT_UNSAFE, reference) : value;
}

/** `value` made safe inside a double-quoted attribute. */
export function escapeAttribute(value: string): string {
  return value.replace(ATTRIBUTE_UNSAFE, reference);
}
