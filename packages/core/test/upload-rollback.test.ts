import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BackendError, ServiceUnavailableError } from '@visor/plugin-api';
import { get, request } from '@visor/test-support';
import type { MetadataStore } from '../src/metadata/metadata-store.js';
import { listFiles, startVisor, X86, type TestVisor } from './helpers/test-visor.js';
import { waitFor } from './helpers/wait-for.js';

const octet = { 'content-type': 'application/octet-stream' };
const TEST = { timeout: 20_000 };

/**
 * Faults injected into the real SQLite records of a running Visor: the database "fails" (as a
 * connection wait that times out would) for the calls named, while `down` is set.
 */
function injectFaults(metadata: MetadataStore) {
  const state = {
    down: new Set<'completeUpload' | 'releaseUpload' | 'ownsUpload'>(),
    /** Once completeUpload was called (the file is committed), ownsUpload fails too. */
    failAfterCommitCheck: false,
  };
  for (const name of ['completeUpload', 'releaseUpload', 'ownsUpload'] as const) {
    const real = metadata[name].bind(metadata) as (...args: unknown[]) => Promise<unknown>;
    (metadata as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      if (name === 'completeUpload' && state.failAfterCommitCheck) state.down.add('ownsUpload');
      return state.down.has(name) ? Promise.reject(new ServiceUnavailableError(`injected: the database failed in ${name}`, 5)) : real(...args);
    };
  }
  return state;
}

/** Files of image `id` in the default fs store, outside its temporary directory. */
const storedFiles = async (t: TestVisor, id: string) => (await listFiles(join(t.dataDir, 'images'))).filter((f) => !f.startsWith('.tmp/') && f.includes(id));
const status = async (t: TestVisor, id: string) => (await get(`${t.url}/images/${id}/meta`)).json().image.status as string;

async function register(t: TestVisor): Promise<string> {
  const res = await request('POST', `${t.url}/images`, { body: { image: X86 } });
  assert.equal(res.status, 201, res.text);
  return res.json().image.id;
}

describe('an upload whose end the database fails to record', () => {
  let t: TestVisor;
  let faults: ReturnType<typeof injectFaults>;
  before(async () => {
    // Beats of 50 ms: the housekeeping sweep runs every 300 ms.
    t = await startVisor({ heartbeatSeconds: 0.05 });
    faults = injectFaults(t.visor.metadata);
  });
  after(() => t.close());

  it('the stored file is removed and the image is locked again, ready for another upload', TEST, async () => {
    const id = await register(t);
    faults.down.add('completeUpload');
    const failed = await request('PUT', `${t.url}/images/${id}`, { headers: octet, body: randomBytes(100_000) });
    faults.down.clear();
    assert.equal(failed.status, 503, failed.text);
    assert.equal(await status(t, id), 'locked');
    assert.deepEqual(await storedFiles(t, id), [], 'the file stored but never recorded is gone');

    const data = randomBytes(50_000);
    const retry = await request('PUT', `${t.url}/images/${id}`, { headers: octet, body: data });
    assert.equal(retry.status, 200, retry.text);
    assert.ok((await get(`${t.url}/images/${id}`)).body.equals(data));
  });

  it('when the rollback fails too, the sweep finishes it once the database is back: nothing stays stuck or stored', TEST, async () => {
    const id = await register(t);
    // ownsUpload still answers for the store's commit check, then fails with the rest.
    faults.down.add('completeUpload').add('releaseUpload');
    faults.failAfterCommitCheck = true;
    const failed = await request('PUT', `${t.url}/images/${id}`, { headers: octet, body: randomBytes(100_000) });
    assert.equal(failed.status, 503, failed.text);
    assert.ok(t.logs.some((line) => line.includes('could not roll back a failed upload now')), 'the failed rollback is logged');
    faults.down.delete('completeUpload');
    // While the database still fails, the image waits in 'uploading' with its unrecorded file.
    await new Promise((resolve) => setTimeout(resolve, 700));
    assert.equal(await status(t, id), 'uploading');
    assert.equal((await storedFiles(t, id)).length, 1);

    faults.down.clear();
    faults.failAfterCommitCheck = false;
    await waitFor("the sweep to put the image back to 'locked'", async () => (await status(t, id)) === 'locked');
    assert.deepEqual(await storedFiles(t, id), [], 'the unrecorded file went with the rollback');
    assert.ok(t.logs.some((line) => line.includes('rolled back a failed upload whose rollback had failed')));
    const retry = await request('PUT', `${t.url}/images/${id}`, { headers: octet, body: randomBytes(10_000) });
    assert.equal(retry.status, 200, retry.text);
  });

  it('a file the store cannot delete does not hold the image: after three sweeps the claim is released and the file left, logged', TEST, async () => {
    const id = await register(t);
    const store = t.visor.backends.get('default')!;
    const realDelete = store.delete.bind(store);
    let deletes = 0;
    (store as unknown as { delete: typeof store.delete }).delete = async (location) => {
      deletes += 1;
      throw new BackendError('default', location, 'injected: the store refuses deletes');
    };
    try {
      faults.down.add('completeUpload');
      const failed = await request('PUT', `${t.url}/images/${id}`, { headers: octet, body: randomBytes(20_000) });
      faults.down.clear();
      assert.equal(failed.status, 503, failed.text);
      assert.equal(await status(t, id), 'uploading');
      await waitFor("the sweeps to give up on the file and put the image back to 'locked'", async () => (await status(t, id)) === 'locked');
      assert.equal(deletes, 4, 'one delete at the failure, then one per sweep until the third');
      assert.ok(t.logs.some((line) => line.includes('gave up removing the file of a failed upload') && line.includes(id)));
      assert.equal((await storedFiles(t, id)).length, 1, 'the file stays where the store keeps it');
    } finally {
      (store as unknown as { delete: typeof store.delete }).delete = realDelete;
    }
    const retry = await request('PUT', `${t.url}/images/${id}`, { headers: octet, body: randomBytes(10_000) });
    assert.equal(retry.status, 200, retry.text);
  });

  it("this instance's own sweep never takes it for dead when its beats failed, nor rolls back its running upload", TEST, async () => {
    const id = await register(t);
    const db = t.visor.db;
    // As after missed beats: this instance's row long silent, and an upload of its own in progress.
    await db('images').where({ id }).update({ status: 'uploading', upload_restore: 'locked', upload_owner: t.visor.instanceId });
    await db('visor_instances').where({ id: t.visor.instanceId }).update({ seen_at_ms: Date.now() - 3_600_000 });
    const gone = await t.visor.instances.forgetDead(t.visor.instanceId);
    assert.ok(!gone.some((row) => row.id === t.visor.instanceId), 'its own row is kept');
    // Several sweeps (every 300 ms here) pass: the upload is still this instance's.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(await status(t, id), 'uploading');
    assert.equal(await t.visor.metadata.ownsUpload(id, t.visor.instanceId), true);
    await t.visor.metadata.releaseUpload(id, new Date().toISOString(), t.visor.instanceId);
  });
});
