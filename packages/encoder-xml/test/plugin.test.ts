import assert from 'node:assert/strict';
import { test } from 'node:test';
import xmlEncoderDefault, { xmlEncoder } from '../src/index.js';

test('the default export is the named xmlEncoder plugin', () => {
  assert.equal(xmlEncoderDefault, xmlEncoder);
});

test('declares itself an encoder named xml answering application/xml first', () => {
  assert.equal(xmlEncoder.kind, 'encoder');
  assert.equal(xmlEncoder.name, 'xml');
  assert.deepEqual(xmlEncoder.mediaTypes, ['application/xml', 'text/xml']);
});
