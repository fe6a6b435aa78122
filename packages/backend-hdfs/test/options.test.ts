import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@visor/plugin-api';
import { resolveHdfsOptions } from '../src/index.js';

const base = { namenodes: 'http://nn1.example:9870', directory: '/visor/images', user: 'visor' };
const resolve = (options: unknown) => resolveHdfsOptions(options, 'stores.archive.options');

function refuses(options: unknown, key: string, message: RegExp): void {
  assert.throws(() => resolve(options), (error: unknown) => {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    assert.equal(error.key, `stores.archive.options${key ? `.${key}` : ''}`);
    assert.match(error.message, message);
    return true;
  });
}

describe('hdfs: options', () => {
  it('fills in defaults', () => {
    const resolved = resolve(base);
    assert.deepEqual(resolved.namenodes.map(String), ['http://nn1.example:9870/']);
    assert.equal(resolved.directory, '/visor/images');
    assert.equal(resolved.user, 'visor');
    assert.equal(resolved.delegationToken, undefined);
    assert.equal(resolved.permission, 0o640);
    assert.equal(resolved.timeoutMs, 60_000);
    assert.equal(resolved.replication, undefined);
    assert.equal(resolved.blockSize, undefined);
    assert.equal(resolved.noRedirect, false);
    assert.equal(resolved.datanodeHosts.size, 0);
  });

  it('takes an HA pair, octal permissions, MiB block sizes, seconds and host rewrites', () => {
    const resolved = resolve({
      ...base,
      namenodes: ['http://nn1.example:9870', 'https://nn2.example:9871/'],
      directory: '//visor//images/',
      permission: '0600',
      blockSizeMiB: 256,
      replication: 2,
      timeoutSeconds: 5,
      datanodeHosts: { 'DN1.internal:9864': '10.0.0.5:19864' },
    });
    assert.equal(resolved.namenodes.length, 2);
    assert.equal(resolved.directory, '/visor/images');
    assert.equal(resolved.permission, 0o600);
    assert.equal(resolved.blockSize, 256 * 1024 * 1024);
    assert.equal(resolved.replication, 2);
    assert.equal(resolved.timeoutMs, 5000);
    assert.equal(resolved.datanodeHosts.get('dn1.internal:9864'), '10.0.0.5:19864');
    assert.equal(resolve({ ...base, permission: 0o644 }).permission, 0o644);
  });

  it('refuses bad values with a ConfigError naming the option', () => {
    refuses(undefined, '', /namenodes, directory and user/);
    refuses({ ...base, bucket: 'x' }, 'bucket', /unknown option/);
    refuses({ ...base, namenodes: undefined }, 'namenodes', /URL of a namenode/);
    refuses({ ...base, namenodes: ['http://a:1', 'http://b:1', 'http://c:1'] }, 'namenodes', /two URLs of an HA pair/);
    refuses({ ...base, namenodes: 'ftp://nn1:21' }, 'namenodes', /http or https/);
    refuses({ ...base, namenodes: ['http://nn1:9870', 'not a url'] }, 'namenodes[1]', /http or https URL/);
    refuses({ ...base, namenodes: 'http://visor:secret@nn1:9870' }, 'namenodes', /credentials/);
    refuses({ ...base, namenodes: 'http://nn1:9870/?user.name=x' }, 'namenodes', /query/);
    refuses({ ...base, directory: 'visor' }, 'directory', /absolute/);
    refuses({ ...base, directory: '/' }, 'directory', /root/);
    refuses({ ...base, directory: '/visor/../etc' }, 'directory', /\.\./);
    refuses({ ...base, directory: '/visor images' }, 'directory', /A-Z a-z 0-9/);
    refuses({ ...base, user: undefined }, 'user', /user .* or delegationToken/);
    refuses({ ...base, user: 'a b' }, 'user', /user name/);
    refuses({ ...base, delegationToken: 'KAAK' }, 'delegationToken', /not both/);
    refuses({ ...base, user: undefined, delegationToken: 'has spaces' }, 'delegationToken', /URL-safe/);
    refuses({ ...base, replication: 0 }, 'replication', /1 to 32767/);
    refuses({ ...base, blockSizeMiB: 1.5 }, 'blockSizeMiB', /whole number/);
    refuses({ ...base, permission: '999' }, 'permission', /octal/);
    refuses({ ...base, permission: '0200' }, 'permission', /read and write/);
    refuses({ ...base, timeoutSeconds: 0 }, 'timeoutSeconds', /1 to 3600/);
    refuses({ ...base, datanodeHosts: ['x'] }, 'datanodeHosts', /map host names/);
    refuses({ ...base, datanodeHosts: { 'dn1 bad': '127.0.0.1' } }, 'datanodeHosts.dn1 bad', /host or host:port/);
    refuses({ ...base, noRedirect: 'yes' }, 'noRedirect', /true or false/);
  });
});
