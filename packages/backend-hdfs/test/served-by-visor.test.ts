import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createVisor, silentLogger, type Visor } from '@visor/core';
import { get, request } from '@visor/test-support';
import { startWebHdfsEmulator, type WebHdfsEmulator } from '@visor/webhdfs-emulator';
import { DIRECTORY, storeFiles, USER } from './support/emulated-hdfs.js';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const octet = { 'content-type': 'application/octet-stream' };

describe('hdfs: loaded by the core by its name and serving images over the REST API (emulated WebHDFS)', () => {
  let emulator: WebHdfsEmulator;
  let visor: Visor;
  let dataDir: string;
  let url: string;
  before(async () => {
    emulator = await startWebHdfsEmulator();
    emulator.provisionDirectory('/visor', USER);
    dataDir = await mkdtemp(join(tmpdir(), 'visor-hdfs-test-'));
    visor = await createVisor(
      { dataDir, plugins: [], stores: { default: { backend: 'hdfs', options: { namenodes: emulator.namenodeUrls[0], directory: DIRECTORY, user: USER } } } },
      { logger: silentLogger, baseDir: packageDir, cwd: dataDir },
    );
    url = (await visor.listen(0, '127.0.0.1')).url;
  });
  after(async () => {
    await visor?.close();
    await emulator?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const register = async () =>
    (await request('POST', `${url}/images`, { body: { image: { name: 'hdfs image', architecture: 'x86_64', format: 'raw' } } })).json().image;

  it('uploads, reports the store healthy, downloads whole and by range, and deletes', async () => {
    const image = await register();
    const data = randomBytes(5 * 1024 * 1024 + 3);
    const put = await request('PUT', `${url}/images/${image.id}`, { headers: octet, body: data });
    assert.equal(put.status, 200, put.text);
    const stored = put.json().image;
    assert.equal(stored.size, data.length);
    assert.equal(stored.checksum, createHash('md5').update(data).digest('hex'));
    assert.equal(stored.location, `hdfs://${new URL(emulator.namenodeUrls[0]!).host}${DIRECTORY}/${image.id}`);
    assert.deepEqual(storeFiles(emulator), [image.id]);

    const status = (await get(`${url}/status`)).json().status;
    const store = status.backends.find((b: { name: string }) => b.name === 'default');
    assert.equal(store.type, 'hdfs');
    assert.equal(store.ok, true);

    const whole = await get(`${url}/images/${image.id}`);
    assert.equal(whole.status, 200);
    assert.ok(whole.body.equals(data));
    const part = await get(`${url}/images/${image.id}`, { range: 'bytes=100-199' });
    assert.equal(part.status, 206);
    assert.ok(part.body.equals(data.subarray(100, 200)));

    assert.equal((await request('DELETE', `${url}/images/${image.id}`)).status, 200);
    assert.deepEqual(storeFiles(emulator), []);
  });

  it('answers 503 for an upload while HDFS is in safe mode and keeps the image uploadable', async () => {
    const image = await register();
    emulator.setSafeMode(true);
    try {
      const refused = await request('PUT', `${url}/images/${image.id}`, { headers: octet, body: randomBytes(100_000) });
      assert.equal(refused.status, 503, refused.text);
      assert.match(refused.json().message, /SafeModeException/);
    } finally {
      emulator.setSafeMode(false);
    }
    assert.deepEqual(storeFiles(emulator), [], 'nothing half-written is left');
    const retried = await request('PUT', `${url}/images/${image.id}`, { headers: octet, body: randomBytes(100_000) });
    assert.equal(retried.status, 200, retried.text);
  });
});
