import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startWebHdfsEmulator, type WebHdfsEmulator } from '../src/index.js';

/** What a WebHDFS client sees of one answer. */
interface Answer {
  status: number;
  headers: Headers;
  body: Buffer;
  json(): any;
}

async function call(method: string, url: string, body?: Buffer): Promise<Answer> {
  const response = await fetch(url, { method, redirect: 'manual', ...(body === undefined ? {} : { body }) });
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, body: bytes, json: () => JSON.parse(bytes.toString('utf8')) };
}

function assertRemoteException(answer: Answer, status: number, javaClassName: string, message: RegExp): void {
  assert.equal(answer.status, status, answer.body.toString());
  assert.equal(answer.headers.get('content-type'), 'application/json');
  const { RemoteException: remote } = answer.json();
  assert.equal(remote.javaClassName, javaClassName);
  assert.equal(remote.exception, javaClassName.slice(javaClassName.lastIndexOf('.') + 1));
  assert.match(remote.message, message);
}

describe('webhdfs-emulator: the WebHDFS REST API as the emulator answers it (emulated WebHDFS)', () => {
  let emulator: WebHdfsEmulator;
  let nn: string;
  before(async () => {
    emulator = await startWebHdfsEmulator({ datanodeHostname: 'datanode-1.hdfs.invalid', groups: { alice: ['staff'] } });
    nn = `${emulator.namenodeUrls[0]}/webhdfs/v1`;
    emulator.provisionDirectory('/user/alice', 'alice');
  });
  after(() => emulator.close());

  /** Step two, sent to the datanode by its real port (the advertised host name does not resolve). */
  const datanode = (location: string) => {
    const url = new URL(location);
    url.host = new URL(emulator.datanode.url).host;
    return url.href;
  };

  async function create(path: string, data: Buffer, query = ''): Promise<Answer> {
    const step = await call('PUT', `${nn}${path}?op=CREATE&user.name=alice${query}`);
    assert.equal(step.status, 307, step.body.toString());
    return call('PUT', datanode(step.headers.get('location')!), data);
  }

  it('CREATE: 307 to the datanode with namenoderpcaddress and the create parameters, then 201 with the file', async () => {
    const step = await call('PUT', `${nn}/user/alice/a.bin?op=CREATE&user.name=alice&overwrite=false&permission=640&replication=2&blocksize=1048576`);
    assert.equal(step.status, 307);
    assert.equal(step.headers.get('content-length'), '0');
    const location = new URL(step.headers.get('location')!);
    assert.equal(location.hostname, 'datanode-1.hdfs.invalid', 'the advertised, unresolvable host name');
    assert.equal(location.pathname, '/webhdfs/v1/user/alice/a.bin');
    for (const [name, value] of [['op', 'CREATE'], ['user.name', 'alice'], ['namenoderpcaddress', 'emulated-namenode:8020'], ['createparent', 'true'], ['overwrite', 'false'], ['permission', '640'], ['replication', '2'], ['blocksize', '1048576']]) {
      assert.equal(location.searchParams.get(name!), value, name);
    }
    const data = randomBytes(300_000);
    const created = await call('PUT', datanode(location.href), data);
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('location'), 'hdfs://emulated-namenode:8020/user/alice/a.bin');
    const status = (await call('GET', `${nn}/user/alice/a.bin?op=GETFILESTATUS`)).json().FileStatus;
    assert.equal(status.type, 'FILE');
    assert.equal(status.length, data.length);
    assert.equal(status.permission, '640');
    assert.equal(status.replication, 2);
    assert.equal(status.blockSize, 1048576);
    assert.equal(status.owner, 'alice');
    assert.equal(emulator.namenodes[0]!.bodyBytesReceived, 0);
  });

  it('noredirect=true answers 200 with {"Location": ...} instead of 307', async () => {
    const answer = await call('PUT', `${nn}/user/alice/b.bin?op=CREATE&user.name=alice&noredirect=true`);
    assert.equal(answer.status, 200);
    assert.match(answer.json().Location, /^http:\/\/datanode-1\.hdfs\.invalid:\d+\/webhdfs\/v1\/user\/alice\/b\.bin\?op=CREATE&/);
  });

  it('stores bytes as sent (all 256 values) and OPEN honours offset and length', async () => {
    const data = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(100_000)]);
    assert.equal((await create('/user/alice/binary', data)).status, 201);
    const open = async (query: string) => {
      const step = await call('GET', `${nn}/user/alice/binary?op=OPEN&user.name=alice${query}`);
      assert.equal(step.status, 307);
      assert.match(step.headers.get('location')!, /[?&]offset=\d+/);
      return call('GET', datanode(step.headers.get('location')!));
    };
    assert.ok((await open('')).body.equals(data));
    assert.ok((await open('&offset=10&length=300')).body.equals(data.subarray(10, 310)));
    assert.ok((await open(`&offset=${data.length - 5}&length=100`)).body.equals(data.subarray(-5)), 'length past the end stops at the end');
    assert.equal((await open(`&offset=${data.length}`)).body.length, 0);
    assertRemoteException(await open(`&offset=${data.length + 1}`), 403, 'java.io.IOException', /Offset=\d+ out of the range/);
  });

  it('CREATE without overwrite on an existing file: FileAlreadyExistsException (403); with overwrite=true: replaced', async () => {
    assert.equal((await create('/user/alice/c.bin', Buffer.from('first'))).status, 201);
    assertRemoteException(await create('/user/alice/c.bin', Buffer.from('second')), 403, 'org.apache.hadoop.fs.FileAlreadyExistsException', /already exists/);
    assert.equal((await create('/user/alice/c.bin', Buffer.from('third'), '&overwrite=true')).status, 201);
    assert.equal((await call('GET', `${nn}/user/alice/c.bin?op=GETFILESTATUS`)).json().FileStatus.length, 5);
  });

  it('RENAME answers {"boolean": false} when the destination exists; renameoptions=OVERWRITE replaces it', async () => {
    await create('/user/alice/r1', Buffer.from('one'));
    await create('/user/alice/r2', Buffer.from('two!'));
    const refused = await call('PUT', `${nn}/user/alice/r1?op=RENAME&destination=/user/alice/r2&user.name=alice`);
    assert.equal(refused.status, 200);
    assert.deepEqual(refused.json(), { boolean: false });
    assert.deepEqual((await call('PUT', `${nn}/user/alice/missing?op=RENAME&destination=/user/alice/r3&user.name=alice`)).json(), { boolean: false });
    const overwritten = await call('PUT', `${nn}/user/alice/r1?op=RENAME&destination=/user/alice/r2&renameoptions=OVERWRITE&user.name=alice`);
    assert.equal(overwritten.status, 200);
    assert.equal(overwritten.body.length, 0);
    assert.equal((await call('GET', `${nn}/user/alice/r2?op=GETFILESTATUS`)).json().FileStatus.length, 3);
    assertRemoteException(await call('GET', `${nn}/user/alice/r1?op=GETFILESTATUS`), 404, 'java.io.FileNotFoundException', /File does not exist: \/user\/alice\/r1/);
    await create('/user/alice/r4', Buffer.from('four'));
    assertRemoteException(
      await call('PUT', `${nn}/user/alice/r4?op=RENAME&destination=/user/alice/r2&renameoptions=NONE&user.name=alice`),
      403,
      'org.apache.hadoop.fs.FileAlreadyExistsException',
      /rename destination \/user\/alice\/r2 already exists/,
    );
  });

  it('MKDIRS, LISTSTATUS sorted by name, and DELETE that needs recursive for a non-empty directory', async () => {
    assert.deepEqual((await call('PUT', `${nn}/user/alice/d/e?op=MKDIRS&user.name=alice&permission=700`)).json(), { boolean: true });
    await create('/user/alice/d/z.bin', Buffer.from('z'));
    await create('/user/alice/d/a.bin', Buffer.from('a'));
    const listing = (await call('GET', `${nn}/user/alice/d?op=LISTSTATUS&user.name=alice`)).json().FileStatuses.FileStatus;
    assert.deepEqual(listing.map((s: any) => [s.pathSuffix, s.type]), [['a.bin', 'FILE'], ['e', 'DIRECTORY'], ['z.bin', 'FILE']]);
    assert.equal(listing[1].permission, '700');
    assertRemoteException(await call('DELETE', `${nn}/user/alice/d?op=DELETE&user.name=alice`), 403, 'org.apache.hadoop.fs.PathIsNotEmptyDirectoryException', /is non empty/);
    assert.deepEqual((await call('DELETE', `${nn}/user/alice/d?op=DELETE&recursive=true&user.name=alice`)).json(), { boolean: true });
    assert.deepEqual((await call('DELETE', `${nn}/user/alice/d?op=DELETE&user.name=alice`)).json(), { boolean: false });
  });

  it('checks permissions as HDFS does: AccessControlException (403) naming user, access and inode', async () => {
    assertRemoteException(
      await call('PUT', `${nn}/user/alice/bob-was-here?op=MKDIRS&user.name=bob`),
      403,
      'org.apache.hadoop.security.AccessControlException',
      /^Permission denied: user=bob, access=WRITE, inode="\/user\/alice":alice:supergroup:drwxr-xr-x$/,
    );
    await create('/user/alice/private', Buffer.from('secret'), '&permission=600');
    assertRemoteException(await call('GET', `${nn}/user/alice/private?op=OPEN&user.name=bob`), 403, 'org.apache.hadoop.security.AccessControlException', /access=READ/);
    assert.equal((await call('GET', `${nn}/user/alice/private?op=OPEN&user.name=hdfs`)).status, 307, 'the superuser passes');
  });

  it('answers bad parameters with IllegalArgumentException (400) and invalid paths with InvalidPathException (400)', async () => {
    assertRemoteException(await call('PUT', `${nn}/x?op=NOSUCH`), 400, 'java.lang.IllegalArgumentException', /"op": No enum constant org\.apache\.hadoop\.hdfs\.web\.resources\.PutOpParam\.Op\.NOSUCH/);
    assertRemoteException(await call('PUT', `${nn}/x?op=CREATE&overwrite=maybe`), 400, 'java.lang.IllegalArgumentException', /"overwrite"/);
    assertRemoteException(await call('PUT', `${nn}/x?op=CREATE&permission=888`), 400, 'java.lang.IllegalArgumentException', /"permission"/);
    assertRemoteException(await call('GET', `${nn}/x?op=OPEN&length=-1`), 404, 'java.io.FileNotFoundException', /File does not exist/);
    await create('/user/alice/l', Buffer.from('l'));
    assertRemoteException(await call('GET', `${nn}/user/alice/l?op=OPEN&length=-1`), 400, 'java.lang.IllegalArgumentException', /"length": Invalid parameter range/);
    assertRemoteException(await call('PUT', `${nn}/user/alice/a%3Ab?op=MKDIRS&user.name=alice`), 400, 'org.apache.hadoop.fs.InvalidPathException', /Invalid path name/);
    // fetch would resolve `..` itself: send the path as written.
    const raw = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const { hostname, port } = new URL(emulator.namenodeUrls[0]!);
      const path = '/webhdfs/v1/user/alice/../../etc?op=MKDIRS&user.name=alice';
      const req = http.request({ hostname, port, path, method: 'PUT' }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(raw.status, 400);
    assert.match(raw.body, /InvalidPathException.*Invalid path name Invalid file name: \/user\/alice\/\.\.\/\.\.\/etc/);
    const datanodeDirect = await call('PUT', `${emulator.datanode.url}/webhdfs/v1/user/alice/sneaky?op=CREATE&user.name=alice`, Buffer.from('x'));
    assertRemoteException(datanodeDirect, 400, 'java.lang.IllegalArgumentException', /namenoderpcaddress is not specified/);
  });

  it('safe mode refuses writes with SafeModeException (403) and allows reads', async () => {
    await create('/user/alice/s', Buffer.from('s'));
    emulator.setSafeMode(true);
    try {
      assertRemoteException(await call('PUT', `${nn}/user/alice/t?op=MKDIRS&user.name=alice`), 403, 'org.apache.hadoop.hdfs.server.namenode.SafeModeException', /Name node is in safe mode/);
      assertRemoteException(await create('/user/alice/u', Buffer.from('u')), 403, 'org.apache.hadoop.hdfs.server.namenode.SafeModeException', /Cannot create file/);
      assert.equal((await call('GET', `${nn}/user/alice/s?op=GETFILESTATUS`)).status, 200);
    } finally {
      emulator.setSafeMode(false);
    }
  });

  it('APPEND is outside the emulated subset: UnsupportedOperationException (400)', async () => {
    assertRemoteException(await call('POST', `${nn}/user/alice/s?op=APPEND&user.name=alice`), 400, 'java.lang.UnsupportedOperationException', /APPEND/);
  });
});

describe('webhdfs-emulator: HA pair, security and crashes (emulated WebHDFS)', () => {
  it('a standby namenode answers StandbyException (403) until it is made active', async () => {
    const emulator = await startWebHdfsEmulator({ namenodes: 2 });
    try {
      const [active, standby] = emulator.namenodeUrls.map((u) => `${u}/webhdfs/v1`);
      assert.equal((await call('GET', `${active}/?op=GETFILESTATUS`)).status, 200);
      assertRemoteException(await call('GET', `${standby}/?op=GETFILESTATUS`), 403, 'org.apache.hadoop.ipc.StandbyException', /Operation category READ is not supported in state standby/);
      assertRemoteException(await call('PUT', `${standby}/x?op=MKDIRS`), 403, 'org.apache.hadoop.ipc.StandbyException', /Operation category WRITE/);
      emulator.makeActive(1);
      assert.equal((await call('GET', `${standby}/?op=GETFILESTATUS`)).status, 200);
      assertRemoteException(await call('GET', `${active}/?op=GETFILESTATUS`), 403, 'org.apache.hadoop.ipc.StandbyException', /standby/);
    } finally {
      await emulator.close();
    }
  });

  it('with security on, a known delegation token acts as its user, an unknown one or none is a SecurityException (401)', async () => {
    const emulator = await startWebHdfsEmulator({ secure: true, delegationTokens: { tok1: 'carol' } });
    try {
      const nn = `${emulator.namenodeUrls[0]}/webhdfs/v1`;
      emulator.provisionDirectory('/c', 'carol');
      assert.equal((await call('PUT', `${nn}/c/d?op=MKDIRS&delegation=tok1`)).status, 200);
      assert.equal((await call('GET', `${nn}/c/d?op=GETFILESTATUS&delegation=tok1`)).json().FileStatus.owner, 'carol');
      assertRemoteException(await call('GET', `${nn}/c?op=GETFILESTATUS&delegation=nope`), 401, 'java.lang.SecurityException', /Failed to obtain user group information/);
      assertRemoteException(await call('GET', `${nn}/c?op=GETFILESTATUS&user.name=carol`), 401, 'java.lang.SecurityException', /not authenticated/);
      const step = await call('PUT', `${nn}/c/f?op=CREATE&delegation=tok1`);
      assert.equal(new URL(step.headers.get('location')!).searchParams.get('delegation'), 'tok1', 'the token travels to the datanode');
    } finally {
      await emulator.close();
    }
  });

  it('a datanode that dies mid-upload cuts the connection, refuses new ones, and leaves the file under construction', async () => {
    const emulator = await startWebHdfsEmulator();
    try {
      const nn = `${emulator.namenodeUrls[0]}/webhdfs/v1`;
      emulator.datanode.dieDuringNextUpload(1024 * 1024);
      const step = await call('PUT', `${nn}/crash?op=CREATE&user.name=hdfs`);
      await assert.rejects(call('PUT', step.headers.get('location')!, randomBytes(8 * 1024 * 1024)));
      assert.equal(emulator.datanode.running, false);
      await assert.rejects(fetch(emulator.datanode.url), 'the port refuses connections');
      const file = emulator.namespace.filesUnder('/')[0]!;
      assert.equal(file.path, '/crash');
      assert.equal(file.node.underConstruction, true);
      assert.equal(file.node.length, 1024 * 1024);
      await emulator.datanode.start();
      assert.equal((await fetch(`${emulator.datanode.url}/`)).status, 404);
    } finally {
      await emulator.close();
    }
  });

  it('binds every node to 127.0.0.1 and sends the namenode clock in the Date header', async () => {
    const emulator = await startWebHdfsEmulator();
    try {
      for (const url of [...emulator.namenodeUrls, emulator.datanode.url]) assert.equal(new URL(url).hostname, '127.0.0.1');
      emulator.clockOffsetMs = -24 * 3600_000;
      const answer = await call('GET', `${emulator.namenodeUrls[0]}/webhdfs/v1/?op=LISTSTATUS`);
      const lag = Date.now() - Date.parse(answer.headers.get('date')!);
      assert.ok(Math.abs(lag - 24 * 3600_000) < 5000, `Date header ${answer.headers.get('date')}`);
    } finally {
      await emulator.close();
    }
  });

  it('as an HttpFS gateway: CREATE redirects to itself with data=true and needs application/octet-stream; OPEN answers the data', async () => {
    const emulator = await startWebHdfsEmulator({ httpfs: true });
    try {
      const nn = `${emulator.namenodeUrls[0]}/webhdfs/v1`;
      const step = await call('PUT', `${nn}/g.bin?op=CREATE&user.name=hdfs`);
      assert.equal(step.status, 307);
      const location = new URL(step.headers.get('location')!);
      assert.equal(location.origin, emulator.namenodeUrls[0]);
      assert.equal(location.searchParams.get('data'), 'true');
      assertRemoteException(await call('PUT', location.href, Buffer.from('x')), 400, 'java.lang.IllegalArgumentException', /application\/octet-stream/);
      const data = randomBytes(100_000);
      const created = await fetch(location, { method: 'PUT', body: data, headers: { 'content-type': 'application/octet-stream' } });
      assert.equal(created.status, 201);
      const open = await call('GET', `${nn}/g.bin?op=OPEN&offset=5&length=10&user.name=hdfs`);
      assert.equal(open.status, 200, 'no redirect: the gateway answers the data');
      assert.ok(open.body.equals(data.subarray(5, 15)));
      const json = await call('GET', `${nn}/g.bin?op=OPEN&noredirect=true&user.name=hdfs`);
      assert.match(json.json().Location, /op=OPEN.*data=true/);
    } finally {
      await emulator.close();
    }
  });
});
