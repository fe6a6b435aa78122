import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@visor/plugin-api';
import { resolveCumulusOptions } from '../src/index.js';

const KEY = 'stores.nimbus.options';

describe('cumulus: options', () => {
  it('defaults: port 8888 at the root, path-style, Signature Version 2', () => {
    const s3 = resolveCumulusOptions({ host: 'cumulus.example.org', bucket: 'images' }, KEY);
    assert.equal(s3.endpoint, 'http://cumulus.example.org:8888');
    assert.equal(s3.forcePathStyle, true);
    assert.equal(s3.signatureVersion, 'v2');
    assert.equal(resolveCumulusOptions({ host: 'c', port: 9000, bucket: 'images', signatureVersion: 'v2', prefix: 'a/b' }, KEY).prefix, 'a/b/');
  });

  for (const [name, raw, option, message] of [
    ['no host', { bucket: 'images' }, 'host', /is required/],
    ['SigV4', { host: 'c', bucket: 'images', signatureVersion: 'v4' }, 'signatureVersion', /Signature Version 2 only/],
    ['a part size (no multipart uploads)', { host: 'c', bucket: 'images', partSizeMiB: 5 }, 'partSizeMiB', /unknown setting/],
    ['redirectDownloads', { host: 'c', bucket: 'images', redirectDownloads: true }, 'redirectDownloads', /unknown setting/],
    ['a service path', { host: 'c', bucket: 'images', servicePath: '/x' }, 'servicePath', /unknown setting/],
    ['a bad bucket name', { host: 'c', bucket: 'Images!' }, 'bucket', /valid bucket name/],
  ] as const) {
    it(`refuses ${name}, naming ${KEY}.${option}`, () => {
      assert.throws(
        () => resolveCumulusOptions(raw, KEY),
        (error: unknown) => error instanceof ConfigError && error.message.includes(`${KEY}.${option}`) && message.test(error.message),
      );
    });
  }
});
