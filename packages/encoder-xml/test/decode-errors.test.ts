import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BadRequestError } from '@visor/plugin-api';
import { xmlEncoder } from '../src/index.js';

function decodeError(text: string): BadRequestError {
  try {
    xmlEncoder.decode(text);
  } catch (error) {
    assert.ok(error instanceof BadRequestError, `expected BadRequestError, got ${String(error)}`);
    return error;
  }
  assert.fail(`decoding ${JSON.stringify(text)} did not throw`);
}

test('rejects an empty or blank body', () => {
  for (const text of ['', ' \n\t ', '\uFEFF']) assert.equal(decodeError(text).message, 'empty body');
});

test('rejects a DOCTYPE, whatever it declares', () => {
  const xxe = '<?xml version="1.0"?>\n<!DOCTYPE image [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<image><name>&xxe;</name></image>';
  const error = decodeError(xxe);
  assert.equal(error.message, 'DOCTYPE declarations are not allowed in request bodies (line 2, column 1)');
  assert.match(decodeError('<!doctype image><image/>').message, /^DOCTYPE declarations are not allowed/);
});

test('rejects an entity declaration even outside a DOCTYPE', () => {
  const bomb = '<image><!ENTITY lol "lol"><name>&lol;</name></image>';
  assert.match(decodeError(bomb).message, /^ENTITY declarations are not allowed in request bodies \(line 1, column 8\)$/);
});

test('rejects malformed XML naming the reason, line and column', () => {
  const error = decodeError('<image>\n  <name>Debian</nme>\n</image>');
  assert.match(error.message, /^request body is not well-formed XML: Expected closing tag 'name' .* \(line 2, column \d+\)$/);
  assert.equal(error.details['line'], 2);
});

test('rejects an unclosed element and a second root element', () => {
  assert.match(decodeError('<image><name>x</name>').message, /not well-formed XML: Unclosed tag 'image'/);
  assert.match(decodeError('<a>1</a><b>2</b>').message, /not well-formed XML: Multiple possible root nodes/);
  assert.equal(decodeError('<a/><b/>').message, 'request body is not well-formed XML: it must hold exactly one root element');
});

test('rejects text after the root element', () => {
  assert.equal(
    decodeError('<image/>\n oops').message,
    'request body is not well-formed XML: text after the root element (line 2, column 2)',
  );
});

test('accepts comments and whitespace after the root element', () => {
  assert.deepEqual(xmlEncoder.decode('<image/>\n<!-- end -->\n'), { image: '' });
});

test('rejects text that is not XML at all', () => {
  assert.match(decodeError('{"image": {}}').message, /^request body is not well-formed XML: /);
});

test('rejects a bare ampersand and an undefined entity', () => {
  assert.match(decodeError('<p>a & b</p>').message, /not well-formed XML/);
  assert.equal(decodeError('<p>&#;</p>').message, "'&' must be written &amp; in /p");
  assert.equal(decodeError('<p><name>&nbsp;</name></p>').message, 'undefined entity &nbsp; in /p/name');
  assert.equal(decodeError('<p>&constructor;</p>').message, 'undefined entity &constructor; in /p');
});

test('rejects characters XML 1.0 forbids, raw or as references', () => {
  assert.equal(
    decodeError('<p>\n<a>x\u0001</a></p>').message,
    'request body contains U+0001, a character XML 1.0 does not allow (line 2, column 5)',
  );
  assert.match(decodeError('<p><a>&#0;</a></p>').message, /^character reference &#0; in \/p\/a names a character XML 1\.0 does not allow$/);
  assert.match(decodeError('<p><a>&#xD800;</a></p>').message, /&#xD800;/);
  assert.match(decodeError('<p><a>&#x110000;</a></p>').message, /&#x110000;/);
});

test('rejects a type="number" element whose text is not a number, naming the element', () => {
  for (const text of ['four', '', '0x10', '1e999', 'NaN', '+1', '.5']) {
    const error = decodeError(`<image><cores type="number">${text}</cores></image>`);
    assert.equal(error.message, `element /image/cores has type="number" but ${JSON.stringify(text)} is not a number`);
    assert.deepEqual(error.details, { element: '/image/cores' });
  }
});

test('rejects a type="boolean" element that is neither true nor false', () => {
  assert.match(decodeError('<p><secure type="boolean">yes</secure></p>').message, /^element \/p\/secure has type="boolean" but "yes"/);
});

test('rejects an unknown type', () => {
  assert.match(decodeError('<p><at type="date">2025</at></p>').message, /^element \/p\/at has type="date"; the types are/);
});

test('rejects a type on an element that holds elements', () => {
  assert.match(decodeError('<p><n type="number"><m>1</m></n></p>').message, /^element \/p\/n has type="number" but holds child elements$/);
});

test('rejects nil="true" on an element with content, and other nil values', () => {
  assert.match(decodeError('<p><a nil="true">x</a></p>').message, /^element \/p\/a has nil="true" but is not empty$/);
  assert.match(decodeError('<p><a nil="yes"/></p>').message, /^element \/p\/a has nil="yes"/);
});

test('rejects text mixed with child elements', () => {
  assert.match(decodeError('<p>hello <b>x</b></p>').message, /^element \/p mixes text and child elements$/);
});

test('rejects elements nested deeper than 1000 levels, but not 1000', () => {
  const nested = (depth: number) => '<a>'.repeat(depth) + '</a>'.repeat(depth);
  assert.doesNotThrow(() => xmlEncoder.decode(nested(1000)));
  assert.equal(decodeError(nested(100_000)).message, 'request body nests elements more than 1000 deep');
});
