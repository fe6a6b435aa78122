import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@visor/plugin-api';
import { resolveWalrusOptions } from '../src/index.js';

const KEY = 'stores.euca.options';
const resolve = (raw: unknown) => resolveWalrusOptions(raw, KEY, {});

describe('walrus: options', () => {
  it('defaults: port 8773, /services/Walrus, path-style, Signature Version 2', () => {
    const { s3, servicePath } = resolve({ host: 'walrus.example.org', bucket: 'images' });
    assert.equal(s3.endpoint, 'http://walrus.example.org:8773/services/Walrus');
    assert.equal(servicePath, '/services/Walrus');
    assert.equal(s3.forcePathStyle, true);
    assert.equal(s3.signatureVersion, 'v2');
    assert.equal(s3.partSize, 8 * 1024 * 1024);
  });

  it('takes port, service path (4.x objectstorage, or none), v4, and the S3 options that apply', () => {
    const { s3, servicePath } = resolve({ host: '10.0.0.5', port: 8080, servicePath: '/services/objectstorage/', bucket: 'images', signatureVersion: 'v4', prefix: 'visor', redirectDownloads: true });
    assert.equal(s3.endpoint, 'http://10.0.0.5:8080/services/objectstorage');
    assert.equal(servicePath, '/services/objectstorage');
    assert.equal(s3.signatureVersion, 'v4');
    assert.equal(s3.prefix, 'visor/');
    assert.equal(s3.redirectDownloads, true);
    assert.equal(resolve({ host: '::1', servicePath: '', bucket: 'images' }).s3.endpoint, 'http://[::1]:8773');
  });

  for (const [name, raw, option, message] of [
    ['no options', undefined, 'host', /is required/],
    ['no host', { bucket: 'images' }, 'host', /is required/],
    ['a host with a scheme', { host: 'http://walrus', bucket: 'images' }, 'host', /without scheme, port or path/],
    ['a host with a port', { host: 'walrus:8773', bucket: 'images' }, 'host', /without scheme, port or path/],
    ['a port out of range', { host: 'walrus', port: 70000, bucket: 'images' }, 'port', /65535/],
    ['a service path without its slash', { host: 'walrus', servicePath: 'services/Walrus', bucket: 'images' }, 'servicePath', /URL path/],
    ['signature version 3', { host: 'walrus', bucket: 'images', signatureVersion: 'v3' }, 'signatureVersion', /'v2'.*'v4'/],
    ['an S3 endpoint', { host: 'walrus', bucket: 'images', endpoint: 'http://x' }, 'endpoint', /unknown setting/],
    ['a storage class Walrus does not have', { host: 'walrus', bucket: 'images', storageClass: 'STANDARD_IA' }, 'storageClass', /unknown setting/],
    ['no bucket', { host: 'walrus' }, 'bucket', /is required/],
    ['a key without its secret', { host: 'walrus', bucket: 'images', accessKeyId: 'AKI' }, 'secretAccessKey', /is required/],
  ] as const) {
    it(`refuses ${name}, naming ${KEY}.${option}`, () => {
      assert.throws(
        () => resolve(raw),
        (error: unknown) => error instanceof ConfigError && error.message.includes(`${KEY}.${option}`) && message.test(error.message),
      );
    });
  }
});
