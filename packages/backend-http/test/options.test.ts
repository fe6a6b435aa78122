import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError } from '@visor/plugin-api';
import { resolveHttpOptions } from '../src/options.js';

const context = { optionsKey: 'stores.mirrors.options', baseDir: '/etc/visor' };

function rejects(options: unknown, key: string, message: RegExp): void {
  assert.throws(() => resolveHttpOptions(options, context), (error: unknown) => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.equal(error.key, key);
    assert.match(error.message, message);
    return true;
  });
}

describe('http backend options', () => {
  test('defaults', () => {
    assert.deepEqual(resolveHttpOptions(undefined, context), {
      allowHosts: [],
      allowPrivateNetworks: false,
      idleTimeoutMs: 30_000,
      connectTimeoutMs: 10_000,
      maxRedirects: 5,
      redirectDownloads: false,
      headers: {},
      ca: undefined,
      rejectUnauthorized: true,
    });
  });

  test('values in seconds become milliseconds; a small timeout also bounds the connect timeout', () => {
    const resolved = resolveHttpOptions({ timeoutSeconds: 2.5 }, context);
    assert.equal(resolved.idleTimeoutMs, 2500);
    assert.equal(resolved.connectTimeoutMs, 2500);
    assert.equal(resolveHttpOptions({ timeoutSeconds: 60, connectTimeoutSeconds: 3 }, context).connectTimeoutMs, 3000);
  });

  test('allowHosts entries are parsed; a bad one is named by its index', () => {
    assert.equal(resolveHttpOptions({ allowHosts: ['mirror.lab', '*.lab.example', '10.0.0.0/8', '::1'] }, context).allowHosts.length, 4);
    rejects({ allowHosts: 'mirror.lab' }, 'stores.mirrors.options.allowHosts', /must be a list/);
    rejects({ allowHosts: ['mirror.lab', 'http://x/'] }, 'stores.mirrors.options.allowHosts[1]', /host name/);
  });

  test('headers: names checked, reserved ones refused, values never echoed', () => {
    assert.deepEqual(resolveHttpOptions({ headers: { Authorization: 'Bearer abc' } }, context).headers, { authorization: 'Bearer abc' });
    rejects({ headers: { Range: 'bytes=0-1' } }, 'stores.mirrors.options.headers.Range', /set by Visor itself/);
    rejects({ headers: { Host: 'evil' } }, 'stores.mirrors.options.headers.Host', /set by Visor itself/);
    rejects({ headers: { 'bad name': 'x' } }, 'stores.mirrors.options.headers.bad name', /not a valid header name/);
    assert.throws(
      () => resolveHttpOptions({ headers: { 'X-Token': 'secret-value\r\nX-Injected: 1' } }, context),
      (error: Error) => /without line breaks/.test(error.message) && !error.message.includes('secret-value'),
    );
  });

  test('unknown options and wrong types are named', () => {
    rejects({ timeout: 5 }, 'stores.mirrors.options.timeout', /unknown option; backend http takes allowHosts/);
    rejects({ timeoutSeconds: 0 }, 'stores.mirrors.options.timeoutSeconds', /above 0/);
    rejects({ maxRedirects: 21 }, 'stores.mirrors.options.maxRedirects', /0 to 20/);
    rejects({ maxRedirects: 1.5 }, 'stores.mirrors.options.maxRedirects', /whole number/);
    rejects({ allowPrivateNetworks: 'yes' }, 'stores.mirrors.options.allowPrivateNetworks', /true or false/);
    rejects({ redirectDownloads: 1 }, 'stores.mirrors.options.redirectDownloads', /true or false/);
    rejects([], 'stores.mirrors.options', /mapping/);
  });

  test('ca: a PEM file relative to baseDir, read at start', () => {
    const dir = mkdtempSync(join(tmpdir(), 'visor-http-ca-'));
    try {
      writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
      writeFileSync(join(dir, 'not.pem'), 'hello');
      assert.match(resolveHttpOptions({ ca: 'ca.pem' }, { optionsKey: 'stores.mirrors.options', baseDir: dir }).ca!, /BEGIN CERTIFICATE/);
      assert.throws(() => resolveHttpOptions({ ca: 'not.pem' }, { optionsKey: 'stores.mirrors.options', baseDir: dir }), /holds no PEM certificate/);
      assert.throws(() => resolveHttpOptions({ ca: 'missing.pem' }, { optionsKey: 'stores.mirrors.options', baseDir: dir }), /cannot read .*missing\.pem \(ENOENT\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
