import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeAttribute, escapeText } from '../src/escape.js';

test('escapes the five markup characters', () => {
  assert.equal(escapeText(`a & b < c > d "e" 'f'`), 'a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;');
});

test('leaves plain text, tabs, newlines and astral characters as they are', () => {
  const text = 'Debian 12\tbookworm\nstable 😀';
  assert.equal(escapeText(text), text);
});

test('escapes carriage returns, which parsers would turn into newlines', () => {
  assert.equal(escapeText('a\r\nb'), 'a&#13;\nb');
});

test('replaces characters XML 1.0 forbids, and lone surrogates, with U+FFFD', () => {
  assert.equal(escapeText('a\u0000b\u001Bc\uFFFEd'), 'a\uFFFDb\uFFFDc\uFFFDd');
  assert.equal(escapeText('x\uD800y\uDC00z'), 'x\uFFFDy\uFFFDz');
});

test('in attributes, also escapes tabs and newlines, which parsers would turn into spaces', () => {
  assert.equal(escapeAttribute('a\tb\nc "d"'), 'a&#9;b&#10;c &quot;d&quot;');
});
