import assert from 'node:assert/strict';
import { test } from 'node:test';
import jsonEncoderDefault, { jsonEncoder } from '../src/index.js';

test('the default export is the named jsonEncoder plugin', () => {
  assert.equal(jsonEncoderDefault, jsonEncoder);
});

test('declares itself an encoder named json for application/json', () => {
  assert.equal(jsonEncoder.kind, 'encoder');
  assert.equal(jsonEncoder.name, 'json');
  assert.deepEqual(jsonEncoder.mediaTypes, ['application/json']);
});
