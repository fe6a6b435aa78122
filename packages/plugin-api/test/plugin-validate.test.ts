import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PluginError, pluginShapeProblems, validatePlugin } from '../src/index.js';

const backend = { kind: 'backend', type: 'memory', create: () => ({}) };
const encoder = { kind: 'encoder', name: 'csv', mediaTypes: ['text/csv'], encode: () => '', decode: () => ({}) };
const extension = { kind: 'extension', name: 'tracking', apply: () => undefined };

describe('validatePlugin', () => {
  it('returns a valid plugin of each kind unchanged', () => {
    assert.equal(validatePlugin(backend, 'backend', 'memory'), backend);
    assert.equal(validatePlugin(encoder, 'encoder', 'csv'), encoder);
    assert.equal(validatePlugin(extension, 'extension', 'tracking'), extension);
  });

  it('throws a PluginError naming the label and every problem', () => {
    assert.throws(
      () => validatePlugin({ kind: 'encoder', type: '' }, 'backend', 'stores.archive'),
      (error: unknown) => {
        assert.ok(error instanceof PluginError);
        assert.equal(error.plugin, 'stores.archive');
        assert.match(error.message, /^plugin 'stores\.archive': is not a valid backend plugin: /);
        assert.match(error.message, /kind must be 'backend' \(found "encoder"\)/);
        assert.match(error.message, /type must be a non-empty string/);
        assert.match(error.message, /create must be a function/);
        return true;
      },
    );
  });

  it('rejects a plugin of another kind', () => {
    assert.throws(() => validatePlugin(backend, 'extension', 'x'), /kind must be 'extension' \(found "backend"\)/);
  });

  for (const value of [undefined, null, 42, 'fs']) {
    it(`rejects ${String(value)} as not an object`, () => {
      assert.throws(() => validatePlugin(value, 'backend', 'x'), (error: unknown) => {
        assert.ok(error instanceof PluginError);
        assert.match(error.message, /expected an object/);
        return true;
      });
    });
  }
});

describe('pluginShapeProblems', () => {
  it('lists what an empty object lacks for each kind', () => {
    assert.deepEqual(pluginShapeProblems({}, 'backend'), [
      "kind must be 'backend' (missing)",
      'type must be a non-empty string',
      'create must be a function',
    ]);
    assert.deepEqual(pluginShapeProblems({}, 'encoder'), [
      "kind must be 'encoder' (missing)",
      'name must be a non-empty string',
      'mediaTypes must be a non-empty array of media type strings',
      'encode must be a function',
      'decode must be a function',
    ]);
    assert.deepEqual(pluginShapeProblems({}, 'extension'), [
      "kind must be 'extension' (missing)",
      'name must be a non-empty string',
      'apply must be a function',
    ]);
  });

  it('requires an encoder to list at least one media type, all strings', () => {
    assert.deepEqual(pluginShapeProblems({ ...encoder, mediaTypes: [] }, 'encoder'), [
      'mediaTypes must be a non-empty array of media type strings',
    ]);
    assert.equal(pluginShapeProblems({ ...encoder, mediaTypes: ['text/csv', 7] }, 'encoder').length, 1);
    assert.equal(pluginShapeProblems({ ...encoder, mediaTypes: 'text/csv' }, 'encoder').length, 1);
  });

  it('accepts a module namespace-like object without a prototype', () => {
    const namespace = Object.assign(Object.create(null) as object, extension);
    assert.deepEqual(pluginShapeProblems(namespace, 'extension'), []);
  });
});
