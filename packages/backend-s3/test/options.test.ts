import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@visor/plugin-api';
import { MiB } from '../src/options.js';
import { resolveS3Options } from '../src/index.js';

const KEY = 'stores.images.options';
const resolve = (raw: unknown, env: NodeJS.ProcessEnv = {}) => resolveS3Options(raw, KEY, env);

function refuses(raw: unknown, option: string, message: RegExp): void {
  assert.throws(
    () => resolve(raw),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
      assert.equal(error.key, `${KEY}.${option}`);
      assert.match(error.message, message);
      return true;
    },
  );
}

describe('s3: options', () => {
  it('fills in every default from a bucket alone', () => {
    assert.deepEqual(resolve({ bucket: 'images' }), {
      bucket: 'images',
      region: 'us-east-1',
      endpoint: undefined,
      forcePathStyle: false,
      credentials: undefined,
      prefix: '',
      partSize: 8 * MiB,
      maxPartSize: 64 * MiB,
      queueSize: 4,
      createBucket: false,
      storageClass: undefined,
      sse: undefined,
      kmsKeyId: undefined,
      redirectDownloads: false,
      requestTimeoutMs: 60_000,
      connectTimeoutMs: 10_000,
      maxAttempts: 3,
      signatureVersion: 'v4',
    });
  });

  it('takes the region from AWS_REGION, then AWS_DEFAULT_REGION, unless given', () => {
    assert.equal(resolve({ bucket: 'images' }, { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'us-west-2' }).region, 'eu-west-1');
    assert.equal(resolve({ bucket: 'images' }, { AWS_DEFAULT_REGION: 'us-west-2' }).region, 'us-west-2');
    assert.equal(resolve({ bucket: 'images', region: 'ap-south-1' }, { AWS_REGION: 'eu-west-1' }).region, 'ap-south-1');
  });

  it('uses path-style addressing by default with an endpoint, and keeps the endpoint without a trailing slash', () => {
    const options = resolve({ bucket: 'images', endpoint: 'http://127.0.0.1:8080/' });
    assert.equal(options.endpoint, 'http://127.0.0.1:8080');
    assert.equal(options.forcePathStyle, true);
    assert.equal(resolve({ bucket: 'images', endpoint: 'https://s3.example.org', forcePathStyle: false }).forcePathStyle, false);
  });

  it('reads a prefix as a folder, adding the final slash', () => {
    assert.equal(resolve({ bucket: 'images', prefix: 'visor/images' }).prefix, 'visor/images/');
    assert.equal(resolve({ bucket: 'images', prefix: 'visor/' }).prefix, 'visor/');
    assert.equal(resolve({ bucket: 'images', prefix: '' }).prefix, '');
  });

  it('keeps static credentials together, session token included', () => {
    assert.deepEqual(resolve({ bucket: 'images', accessKeyId: 'AKIA', secretAccessKey: 'secret', sessionToken: 'token' }).credentials, {
      accessKeyId: 'AKIA',
      secretAccessKey: 'secret',
      sessionToken: 'token',
    });
  });

  it('converts part size and timeouts to bytes and milliseconds', () => {
    const options = resolve({ bucket: 'images', partSizeMiB: 16, requestTimeoutSeconds: 2.5, connectTimeoutSeconds: 1 });
    assert.equal(options.partSize, 16 * MiB);
    assert.equal(options.requestTimeoutMs, 2500);
    assert.equal(options.connectTimeoutMs, 1000);
  });

  it('caps parts at 64 MiB by default, or at the part size when that is larger', () => {
    assert.equal(resolve({ bucket: 'images', partSizeMiB: 100 }).maxPartSize, 100 * MiB);
    assert.equal(resolve({ bucket: 'images', maxPartSizeMiB: 512 }).maxPartSize, 512 * MiB);
  });

  it('requires a bucket', () => {
    assert.throws(() => resolve(undefined), (error: unknown) => error instanceof ConfigError && error.key === `${KEY}.bucket`);
    refuses({}, 'bucket', /is required/);
  });

  const refusals: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['a bucket name S3 refuses', { bucket: 'Images_1' }, 'bucket', /valid bucket name/],
    ['a two-letter bucket', { bucket: 'ab' }, 'bucket', /3-63 characters/],
    ['an unknown option', { bucket: 'images', bukcet: 'x' }, 'bukcet', /unknown option; did you mean 'bucket'\? backend s3 takes/],
    ['an endpoint that is not a URL', { bucket: 'images', endpoint: '127.0.0.1:8080' }, 'endpoint', /http:\/\/ or https:\/\//],
    ['an endpoint with credentials in it', { bucket: 'images', endpoint: 'http://key:secret@127.0.0.1:8080' }, 'endpoint', /must not contain credentials/],
    ['an ftp endpoint', { bucket: 'images', endpoint: 'ftp://127.0.0.1' }, 'endpoint', /http:\/\/ or https:\/\//],
    ['a secret key without an access key', { bucket: 'images', secretAccessKey: 's' }, 'accessKeyId', /is required with secretAccessKey/],
    ['an access key without a secret key', { bucket: 'images', accessKeyId: 'a' }, 'secretAccessKey', /is required with accessKeyId/],
    ['a session token alone', { bucket: 'images', sessionToken: 't' }, 'sessionToken', /needs accessKeyId and secretAccessKey/],
    ['an empty access key', { bucket: 'images', accessKeyId: '', secretAccessKey: 's' }, 'accessKeyId', /non-empty string/],
    ['a prefix with ..', { bucket: 'images', prefix: 'a/../b' }, 'prefix', /folder names/],
    ['a prefix with a leading slash', { bucket: 'images', prefix: '/a' }, 'prefix', /folder names/],
    ['a part size under S3\'s 5 MiB minimum', { bucket: 'images', partSizeMiB: 4 }, 'partSizeMiB', /from 5 to 5120/],
    ['a largest part under the part size', { bucket: 'images', partSizeMiB: 16, maxPartSizeMiB: 8 }, 'maxPartSizeMiB', /must not be below partSizeMiB \(16\)/],
    ['a largest part over S3\'s 5 GiB maximum', { bucket: 'images', maxPartSizeMiB: 6000 }, 'maxPartSizeMiB', /from 5 to 5120/],
    ['a fractional queue size', { bucket: 'images', queueSize: 1.5 }, 'queueSize', /integer from 1 to 32/],
    ['a queue size of 0', { bucket: 'images', queueSize: 0 }, 'queueSize', /integer from 1 to 32/],
    ['createBucket as a string', { bucket: 'images', createBucket: 'yes' }, 'createBucket', /true or false/],
    ['a storage class whose objects cannot be read at once', { bucket: 'images', storageClass: 'GLACIER' }, 'storageClass', /must be one of/],
    ['an unknown encryption', { bucket: 'images', sse: 'rot13' }, 'sse', /must be one of 'AES256', 'aws:kms'/],
    ['a KMS key without aws:kms', { bucket: 'images', sse: 'AES256', kmsKeyId: 'k' }, 'kmsKeyId', /only with sse: 'aws:kms'/],
    ['redirectDownloads as a number', { bucket: 'images', redirectDownloads: 1 }, 'redirectDownloads', /true or false/],
    ['a request timeout of 0', { bucket: 'images', requestTimeoutSeconds: 0 }, 'requestTimeoutSeconds', /from 1 to 3600/],
    ['20 attempts', { bucket: 'images', maxAttempts: 20 }, 'maxAttempts', /from 1 to 10/],
    ['an unknown signature version', { bucket: 'images', signatureVersion: 'v3' }, 'signatureVersion', /must be one of 'v4', 'v2'/],
  ];
  for (const [what, raw, option, message] of refusals) {
    it(`refuses ${what}, naming ${KEY}.${option}`, () => refuses(raw, option, message));
  }

  it('refuses a secret key or session token of the wrong type without showing its value', () => {
    // YAML reads `secretAccessKey: 123456789012345` as a number; the message goes to the console and the logs.
    const wrong: Array<[string, unknown, RegExp]> = [
      ['secretAccessKey', 123456789012345, /must be a string, not a number: quote it in YAML/],
      ['secretAccessKey', true, /must be a non-empty string/],
      ['sessionToken', 987654321987654, /must be a string, not a number: quote it in YAML/],
      ['sessionToken', { token: 'tok-123456' }, /must be a non-empty string/],
    ];
    for (const [option, value, message] of wrong) {
      const raw = { bucket: 'images', accessKeyId: 'AKIA', secretAccessKey: 's3cr3t', [option]: value };
      assert.throws(
        () => resolve(raw),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
          assert.equal(error.key, `${KEY}.${option}`);
          assert.match(error.message, message);
          for (const shown of ['123456789012345', '987654321987654', 'tok-123456', 'true']) assert.ok(!error.message.includes(shown), `the message shows the value: ${error.message}`);
          return true;
        },
      );
    }
    refuses({ bucket: 'images', accessKeyId: 'AKIA', secretAccessKey: 'a\0b' }, 'secretAccessKey', /must not contain NUL characters/);
  });

  it('accepts AWS KMS with a key, and a readable storage class', () => {
    const options = resolve({ bucket: 'images', sse: 'aws:kms', kmsKeyId: 'arn:aws:kms:eu-west-1:1:key/x', storageClass: 'STANDARD_IA' });
    assert.equal(options.sse, 'aws:kms');
    assert.equal(options.kmsKeyId, 'arn:aws:kms:eu-west-1:1:key/x');
    assert.equal(options.storageClass, 'STANDARD_IA');
  });
});
