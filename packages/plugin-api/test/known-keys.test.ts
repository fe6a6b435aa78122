import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, expectObject, expectOptions, nearestKnownKey, rejectUnknownKeys } from '../src/index.js';

describe('rejectUnknownKeys: strict options with the nearest known key', () => {
  it('finds the key a typo or a wrong case meant, and nothing when none is near', () => {
    assert.equal(nearestKnownKey('anonymousread', ['anonymousRead', 'env']), 'anonymousRead');
    assert.equal(nearestKnownKey('statsDay', ['table', 'statsDays', 'topImages']), 'statsDays');
    assert.equal(nearestKnownKey('directroy', ['directory', 'fsync', 'fileMode']), 'directory');
    assert.equal(nearestKnownKey('colour', ['table', 'statsDays', 'topImages']), undefined);
    assert.equal(nearestKnownKey('x', []), undefined);
  });

  it('throws a ConfigError naming the full key, the guess and the allowed keys', () => {
    assert.throws(
      () => rejectUnknownKeys({ table: 't', statsDay: 5 }, 'plugins[1].options', ['table', 'statsDays', 'topImages'], 'plugin tracking'),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.key === 'plugins[1].options.statsDay' &&
        error.message === "configuration 'plugins[1].options.statsDay': unknown option; did you mean 'statsDays'? plugin tracking takes table, statsDays, topImages",
    );
    assert.throws(() => rejectUnknownKeys({ zzz: 1 }, 'stores.a.options', ['directory'], 'backend fs'), /unknown option; backend fs takes directory$/);
    assert.doesNotThrow(() => rejectUnknownKeys({ directory: 'x' }, 'stores.a.options', ['directory'], 'backend fs'));
  });

  it('expectObject and expectOptions use it', () => {
    assert.throws(() => expectObject({ prot: 1 }, undefined, ['port', 'host']), /configuration 'prot': unknown setting; did you mean 'port'\? allowed here: port, host/);
    assert.throws(() => expectOptions({ bukcet: 1 }, 'stores.s.options', ['bucket'], 'backend s3'), (e: unknown) => e instanceof ConfigError && e.key === 'stores.s.options.bukcet');
    assert.deepEqual(expectOptions({ a: 1 }, 'k'), { a: 1 }, 'without a list of keys, any key passes');
  });
});
