import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lineColumnAt } from '../src/encoder/text-position.js';

test('counts lines and columns from 1', () => {
  assert.deepEqual(lineColumnAt('abc', 0), { line: 1, column: 1 });
  assert.deepEqual(lineColumnAt('abc\ndef', 5), { line: 2, column: 2 });
});

test('places a newline itself at the end of its own line', () => {
  assert.deepEqual(lineColumnAt('ab\ncd', 2), { line: 1, column: 3 });
});
