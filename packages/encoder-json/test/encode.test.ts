import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonEncoder } from '../src/index.js';

test('encodes the body alone, without the root name', () => {
  const body = { image: { id: 'a1', name: 'Debian', size: 1024, format: null, cores: 4, secure: true } };
  assert.equal(
    jsonEncoder.encode({ root: 'image', body }),
    '{"image":{"id":"a1","name":"Debian","size":1024,"format":null,"cores":4,"secure":true}}',
  );
});

test('encodes an error document as its code and message', () => {
  const encoded = jsonEncoder.encode({ root: 'error', body: { code: 'NotFound', message: 'image 123 not found' } });
  assert.equal(encoded, '{"code":"NotFound","message":"image 123 not found"}');
});

test('encodes lists with their next link', () => {
  const body = { images: [{ id: 'a' }, { id: 'b' }], next: 'http://host/images?marker=b' };
  assert.deepEqual(JSON.parse(String(jsonEncoder.encode({ root: 'images', body }))), body);
});
