import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClientOptionsError, VisorClient } from '../src/index.js';

describe('new VisorClient(options) validates its options', () => {
  const refused = (options: unknown, option: string, message: RegExp) =>
    assert.throws(
      () => new VisorClient(options as never),
      (error: unknown) => error instanceof ClientOptionsError && error instanceof TypeError && error.code === 'InvalidClientOptions' && error.option === option && message.test(error.message),
    );

  it('names the missing or wrong option, what it must be, and what it got', () => {
    refused({}, 'url', /^new VisorClient: 'url' must be the server's absolute http:\/\/ or https:\/\/ URL, e\.g\. 'http:\/\/127\.0\.0\.1:4568'; got nothing$/);
    refused(undefined, 'options', /give an options object/);
    refused({ url: '127.0.0.1:4568' }, 'url', /got "127\.0\.0\.1:4568"$/);
    refused({ url: 'ftp://example.com' }, 'url', /http:\/\/ or https:\/\//);
    refused({ url: 'http://127.0.0.1:4568', accessKey: 'alice' }, 'secretKey', /give both accessKey and secretKey/);
    refused({ url: 'http://127.0.0.1:4568', accessKey: '', secretKey: 's' }, 'accessKey', /non-empty string; got ""/);
    refused({ url: 'http://127.0.0.1:4568', fetch: 'fetch' }, 'fetch', /must be a fetch function/);
    refused({ url: 'http://127.0.0.1:4568', now: new Date() }, 'now', /must be a function returning a Date; got object/);
  });

  it('takes good options', () => {
    assert.ok(new VisorClient({ url: 'http://127.0.0.1:4568' }));
    assert.ok(new VisorClient({ url: 'https://images.example.com/visor', accessKey: 'alice', secretKey: 'secret' }));
  });
});
