import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BadRequestError } from '@visor/plugin-api';
import { jsonEncoder } from '../src/index.js';

function decodeError(text: string): BadRequestError {
  try {
    jsonEncoder.decode(text);
  } catch (error) {
    assert.ok(error instanceof BadRequestError, `expected BadRequestError, got ${String(error)}`);
    return error;
  }
  assert.fail(`decoding ${JSON.stringify(text)} did not throw`);
}

test('decodes a JSON request body', () => {
  assert.deepEqual(jsonEncoder.decode('{"image":{"name":"Debian 12","cores":4,"distro":null}}'), {
    image: { name: 'Debian 12', cores: 4, distro: null },
  });
});

test('ignores a leading byte order mark', () => {
  assert.deepEqual(jsonEncoder.decode('\uFEFF{"name":"x"}'), { name: 'x' });
});

test('rejects an empty or blank body as an empty body', () => {
  for (const text of ['', '  \r\n\t', '\uFEFF']) {
    const error = decodeError(text);
    assert.equal(error.code, 'BadRequest');
    assert.equal(error.message, 'empty body');
  }
});

test('rejects malformed JSON naming the parser position as line and column', () => {
  const error = decodeError('{\n  "name": "x",\n  oops\n}');
  assert.match(error.message, /^request body is not valid JSON: /);
  assert.match(error.message, /at position 19 \(line 3, column 3\)$/);
  assert.deepEqual(error.details, { position: 19, line: 3, column: 3 });
  assert.ok(error.cause instanceof SyntaxError);
});

test('rejects malformed JSON the parser gives no position for, keeping its reason', () => {
  const error = decodeError('{"a":}');
  assert.match(error.message, /^request body is not valid JSON: Unexpected token '}'/);
});

test('rejects trailing content after the document', () => {
  const error = decodeError('{"a":1}}');
  assert.match(error.message, /not valid JSON: .*after JSON at position 7 \(line 1, column 8\)/);
});
