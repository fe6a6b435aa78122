import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { datanodeUrl, NoActiveNamenodeError, shouldFailOver, WebHdfsConnectionError, WebHdfsProtocolError, WebHdfsRemoteError } from '../src/index.js';

describe('hdfs: following a namenode redirect', () => {
  const rewrites = new Map([
    ['dn1.cluster.internal', '10.0.4.11'],
    ['dn2.cluster.internal:9864', '127.0.0.1:19864'],
  ]);

  it('rewrites a bare host name, keeping the port, path and query', () => {
    const url = datanodeUrl('http://dn1.cluster.internal:9864/webhdfs/v1/visor/x?op=CREATE&user.name=visor', rewrites);
    assert.equal(url.href, 'http://10.0.4.11:9864/webhdfs/v1/visor/x?op=CREATE&user.name=visor');
  });

  it('rewrites host:port keys with their port', () => {
    assert.equal(datanodeUrl('http://dn2.cluster.internal:9864/webhdfs/v1/a?op=OPEN', rewrites).host, '127.0.0.1:19864');
    assert.equal(datanodeUrl('http://dn2.cluster.internal:9865/webhdfs/v1/a?op=OPEN', rewrites).host, 'dn2.cluster.internal:9865', 'another port: no rule');
  });

  it('follows only http and https URLs without user information', () => {
    for (const location of ['file:///etc/passwd', 'ftp://dn1/x', 'http://visor:secret@dn1.cluster.internal:9864/x', 'not a url']) {
      assert.throws(() => datanodeUrl(location, rewrites), WebHdfsProtocolError, location);
    }
    assert.equal(datanodeUrl('https://dn3.example:9865/webhdfs/v1/a', rewrites).protocol, 'https:');
  });
});

describe('hdfs: when a namenode request goes to the other namenode', () => {
  const remote = (exception: string) => new WebHdfsRemoteError(403, exception, `org.apache.hadoop.ipc.${exception}`, 'x', 'namenode');

  it('always on StandbyException and on a connection never made; after a cut-off request only when repeating it is harmless', () => {
    assert.equal(shouldFailOver(remote('StandbyException'), false), true);
    assert.equal(shouldFailOver(new WebHdfsConnectionError('refused', 'connect', 'namenode'), false), true);
    assert.equal(shouldFailOver(new WebHdfsConnectionError('reset', 'transfer', 'namenode'), false), false);
    assert.equal(shouldFailOver(new WebHdfsConnectionError('reset', 'transfer', 'namenode'), true), true);
    assert.equal(shouldFailOver(new WebHdfsConnectionError('slow', 'timeout', 'namenode'), true), true);
    assert.equal(shouldFailOver(remote('SafeModeException'), true), false, 'safe mode is the cluster, not the namenode');
    assert.equal(shouldFailOver(remote('AccessControlException'), true), false);
    assert.equal(shouldFailOver(new NoActiveNamenodeError([]), true), false);
  });
});
