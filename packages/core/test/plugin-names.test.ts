import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPathSpecifier, pluginCandidates } from '../src/plugins/index.js';

describe('pluginCandidates', () => {
  it('expands a short backend name to the @visor scope, then the visor- prefix', () => {
    assert.deepEqual(pluginCandidates('fs', 'backend'), ['@visor/backend-fs', 'visor-backend-fs']);
  });

  it('uses the encoder prefix for encoders', () => {
    assert.deepEqual(pluginCandidates('xml', 'encoder'), ['@visor/encoder-xml', 'visor-encoder-xml']);
  });

  it('uses the plugin prefix for extension plugins', () => {
    assert.deepEqual(pluginCandidates('tracking', 'extension'), ['@visor/plugin-tracking', 'visor-plugin-tracking']);
  });

  for (const name of ['@acme/visor-s3', '@visor/backend-fs', 'visor-backend-s3', 'visor-anything']) {
    it(`uses '${name}' as written`, () => {
      assert.deepEqual(pluginCandidates(name, 'backend'), [name]);
    });
  }

  for (const name of ['./x.js', '../x', '.', '..', '/opt/visor/plugins/x.js']) {
    it(`treats '${name}' as a path and uses it as written`, () => {
      assert.equal(isPathSpecifier(name), true);
      assert.deepEqual(pluginCandidates(name, 'extension'), [name]);
    });
  }

  it('does not take names that merely contain dots for paths', () => {
    assert.equal(isPathSpecifier('.hidden'), false);
    assert.equal(isPathSpecifier('s3.v2'), false);
    assert.deepEqual(pluginCandidates('s3.v2', 'backend'), ['@visor/backend-s3.v2', 'visor-backend-s3.v2']);
  });
});
