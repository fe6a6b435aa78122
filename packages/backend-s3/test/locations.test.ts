import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidKeyError } from '@visor/plugin-api';
import { ObjectLocations } from '../src/index.js';

const KEY = '707b1a09-201b-4809-88c5-76fa5b60c62e';

describe('s3: locations', () => {
  const locations = new ObjectLocations('images', 'visor-images', 'vm/images/');

  it('are s3://<bucket>/<prefix><key>, with the object key <prefix><key>', () => {
    assert.equal(locations.locationOf(KEY), `s3://visor-images/vm/images/${KEY}`);
    assert.equal(locations.objectKey(KEY), `vm/images/${KEY}`);
    assert.equal(new ObjectLocations('images', 'visor-images', '').locationOf(KEY), `s3://visor-images/${KEY}`);
  });

  it('map back to their key', () => {
    assert.equal(locations.keyOf(locations.locationOf(KEY)), KEY);
  });

  it('never carry credentials, an endpoint or a region', () => {
    const location = locations.locationOf(KEY);
    const url = new URL(location);
    assert.equal(url.username, '');
    assert.equal(url.password, '');
    assert.equal(url.port, '');
    assert.equal(url.search, '');
  });

  const foreign: Array<[string, string]> = [
    ['another bucket', `s3://other-bucket/vm/images/${KEY}`],
    ['an object outside the prefix', `s3://visor-images/elsewhere/${KEY}`],
    ['a prefix escaped with ..', `s3://visor-images/vm/images/../../secret/${KEY}`],
    ['a percent-encoded ..', `s3://visor-images/vm/images/%2e%2e/${KEY}`],
    ['a deeper path under the prefix', `s3://visor-images/vm/images/sub/${KEY}`],
    ['credentials in the location', `s3://key:secret@visor-images/vm/images/${KEY}`],
    ['a port', `s3://visor-images:9000/vm/images/${KEY}`],
    ['a query', `s3://visor-images/vm/images/${KEY}?versionId=1`],
    ['another scheme', `file:///vm/images/${KEY}`],
    ['an upper-case bucket spelling', `s3://VISOR-IMAGES/vm/images/${KEY}`],
    ['not a URI', 'vm/images/x'],
  ];
  for (const [what, location] of foreign) {
    it(`refuse ${what} with InvalidKeyError naming the store`, () => {
      assert.throws(() => locations.keyOf(location), (error: unknown) => error instanceof InvalidKeyError && error.backend === 'images');
    });
  }

  it('refuse keys that are not one safe path segment', () => {
    for (const key of ['', '.', '..', 'a/b', '../x', 'nul\0', '-x', 'x'.repeat(201)]) {
      assert.throws(() => locations.locationOf(key), InvalidKeyError, JSON.stringify(key));
    }
  });
});
