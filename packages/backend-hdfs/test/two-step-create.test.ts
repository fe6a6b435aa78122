import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { chunkedSource, LazyRandomSource, randomData, readAll } from '@visor/backend-testsuite';
import { BackendError } from '@visor/plugin-api';
import { DIRECTORY, emulatedStores, KEY, storeFiles } from './support/emulated-hdfs.js';

describe('hdfs: two-step CREATE and OPEN (emulated WebHDFS)', () => {
  const stores = emulatedStores();

  it('sends the bytes only to the datanode the namenode redirects to, then reads them back through OPEN', async () => {
    const { emulator, backend } = await stores.start();
    const data = randomData(3 * 1024 * 1024 + 17);
    const { location, size } = await backend.put(KEY, chunkedSource(data, 64 * 1024), { size: data.length });
    assert.equal(size, data.length);
    const namenode = emulator.namenodes[0]!;
    assert.equal(namenode.requests.get('CREATE'), 1, 'one CREATE step one at the namenode');
    assert.equal(namenode.bodyBytesReceived, 0, 'the namenode received none of the bytes');
    assert.deepEqual(storeFiles(emulator), [KEY]);
    const stored = emulator.namespace.filesUnder(DIRECTORY)[0]!.node;
    assert.equal(stored.length, data.length);
    assert.equal(stored.underConstruction, false, 'the datanode closed the file');
    assert.ok((await readAll((await backend.get(location)).body)).equals(data));
    assert.equal(namenode.requests.get('OPEN'), 1);
  });

  it('creates files with the configured permission, replication and block size', async () => {
    const { emulator, backend } = await stores.start({}, { permission: '600', replication: 2, blockSizeMiB: 64 });
    await backend.put(KEY, chunkedSource(randomData(1000)));
    const file = emulator.namespace.filesUnder(DIRECTORY)[0]!.node;
    assert.equal(file.permission, 0o600);
    assert.equal(file.replication, 2);
    assert.equal(file.blockSize, 64 * 1024 * 1024);
    assert.equal(file.owner, 'visor', 'created as the configured user.name');
  });

  it('follows Hadoop 3 noredirect=true answers ({"Location": ...} with 200) for CREATE and OPEN', async () => {
    const { emulator, backend } = await stores.start({}, { noRedirect: true });
    const data = randomData(200_000);
    const { location } = await backend.put(KEY, chunkedSource(data));
    const back = await readAll((await backend.get(location, { range: { start: 100, end: 199_999 } })).body);
    assert.ok(back.equals(data.subarray(100)));
    assert.equal(emulator.namenodes[0]!.bodyBytesReceived, 0);
  });

  it('rewrites a datanode host name the namenode hands out (an internal DNS name) to the configured address', async () => {
    const { emulator, backend } = await stores.start(
      { datanodeHostname: 'datanode-1.hdfs.invalid' },
      { datanodeHosts: { 'datanode-1.hdfs.invalid': '127.0.0.1' } },
    );
    // What a client without the rewrite would be sent to:
    const step = await fetch(`${emulator.namenodeUrls[0]}/webhdfs/v1/visor/x?op=CREATE&user.name=visor`, { method: 'PUT', redirect: 'manual' });
    assert.equal(step.status, 307);
    assert.match(step.headers.get('location') ?? '', /^http:\/\/datanode-1\.hdfs\.invalid:\d+\/webhdfs\/v1\/visor\/x\?op=CREATE/);
    const data = randomData(100_000);
    const { location } = await backend.put(KEY, chunkedSource(data));
    assert.ok((await readAll((await backend.get(location)).body)).equals(data));
  });

  it('reads a range with OPEN offset and length, not the whole file', async () => {
    const { backend } = await stores.start();
    const data = randomData(2 * 1024 * 1024);
    const { location } = await backend.put(KEY, chunkedSource(data));
    const back = await readAll((await backend.get(location, { range: { start: 1_000_000, end: 1_000_009 } })).body);
    assert.ok(back.equals(data.subarray(1_000_000, 1_000_010)));
  });

  it('a source that yields fewer or more bytes than the declared size fails the put and leaves nothing', async () => {
    const { emulator, backend } = await stores.start({}, { timeoutSeconds: 5 });
    const short = await backend.put(KEY, chunkedSource(randomData(500)), { size: 1000 }).catch((e: unknown) => e);
    assert.ok(short instanceof BackendError);
    assert.match(short.message, /the source yielded 500 bytes, not the 1000 declared; nothing was stored/);
    await assert.rejects(backend.put(KEY, chunkedSource(randomData(1500), 100), { size: 1000 }), /more than the 1000 bytes declared/);
    assert.deepEqual(storeFiles(emulator), []);
  });

  it('commits only once the source has ended, even when the datanode answered after the declared bytes', async () => {
    const { emulator, backend } = await stores.start();
    // As Visor's digest stream does: every byte passes, then a last check runs before the end.
    const data = randomData(100_000);
    const lastCheck = (verdict: Error | null) => {
      let pushed = false;
      return new Readable({
        read() {
          if (pushed) return;
          pushed = true;
          this.push(data);
          setTimeout(() => (verdict ? this.destroy(verdict) : this.push(null)), 300);
        },
      });
    };
    const failed = await backend.put(KEY, lastCheck(new Error('checksum mismatch')), { size: data.length }).catch((e: unknown) => e);
    assert.ok(failed instanceof Error && failed.message === 'checksum mismatch', `got ${String(failed)}`);
    assert.deepEqual(storeFiles(emulator), [], 'nothing committed, the temporary file deleted');
    const started = Date.now();
    const { location } = await backend.put(KEY, lastCheck(null), { size: data.length });
    assert.ok(Date.now() - started >= 250, 'put waited for the end of the source');
    assert.ok((await readAll((await backend.get(location)).body)).equals(data));
  });

  it('a download is read from the datanode only as fast as its reader takes it', async () => {
    const { emulator, backend } = await stores.start();
    const size = 64 * 1024 * 1024;
    const { location } = await backend.put(KEY, new LazyRandomSource({ size }), { size });
    const { body } = await backend.get(location);
    const reader = body[Symbol.asyncIterator]();
    await reader.next(); // one chunk, then the reader pauses
    await new Promise((resolve) => setTimeout(resolve, 300));
    const served = emulator.datanode.bytesServed;
    assert.ok(served < 24 * 1024 * 1024, `the datanode sent ${served} bytes to a reader that took one chunk`);
    await reader.return?.();
  });
});
