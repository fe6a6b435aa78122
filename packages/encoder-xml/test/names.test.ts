import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isXmlName, singularOf } from '../src/names.js';

test('singular of a name ending in ies ends in y', () => {
  assert.equal(singularOf('properties'), 'property');
  assert.equal(singularOf('entries'), 'entry');
});

test('singular drops a trailing s', () => {
  assert.equal(singularOf('images'), 'image');
  assert.equal(singularOf('backends'), 'backend');
});

test('names that are not plurals give item', () => {
  assert.equal(singularOf('allowed'), 'item');
  assert.equal(singularOf('status'), 'item');
  assert.equal(singularOf('address'), 'item');
  assert.equal(singularOf('s'), 'item');
});

test('a singular that is not an XML name gives item', () => {
  assert.equal(singularOf('my images'), 'item');
  assert.equal(singularOf('1s'), 'item');
});

test('accepts XML names, including non-ASCII letters', () => {
  for (const name of ['image', '_private', 'created_at', 'a-b.c', 'größe', 'イメージ']) {
    assert.equal(isXmlName(name), true, name);
  }
});

test('rejects what is not an XML name, and prefixed names', () => {
  for (const name of ['', '1st', '-a', 'a b', 'a:b', 'a/b', 'a&b', '#text', '\u{1F600}']) {
    assert.equal(isXmlName(name), false, name);
  }
});
