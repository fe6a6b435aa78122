import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from '@visor/test-support';
import { startTracked, waitFor, type TrackedVisor } from './helpers/tracked-visor.js';

describe('a tracking failure', () => {
  let t: TrackedVisor;
  before(async () => {
    t = await startTracked();
  });
  after(() => t.close());

  it('is logged and never fails the request it records', async () => {
    const id = await t.register({ name: 'before the drop', architecture: 'x86_64' });
    await t.historyOf(id, 1);
    await t.visor.db.schema.dropTable('visor_events');

    const other = await t.register({ name: 'after the drop', architecture: 'x86_64' });
    const upload = await t.upload(other, Buffer.alloc(200, 3));
    assert.equal(upload.status, 200, upload.text);
    assert.equal(upload.json().image.status, 'available');
    const download = await request('GET', `${t.url}/images/${other}`);
    assert.equal(download.status, 200);
    assert.equal(download.body.length, 200);

    const failures = await waitFor(async () => {
      const lines = t.logs.join('').split('\n').filter((l) => l.includes('tracking could not record an event'));
      return lines.length >= 4 ? lines : undefined; // registered, upload_started, uploaded, downloaded
    }, 'four logged tracking failures');
    const record = JSON.parse(failures[0]!);
    assert.equal(record.level, 'error');
    assert.equal(record.image, other);
  });
});

describe('options', () => {
  it('a custom table name is used for the events', async () => {
    const t = await startTracked({ trackingOptions: { table: 'image_events' } });
    try {
      const id = await t.register({ name: 'x', architecture: 'x86_64' });
      await t.historyOf(id, 1);
      assert.equal(await t.visor.db.schema.hasTable('image_events'), true);
      assert.equal(await t.visor.db.schema.hasTable('visor_events'), false);
    } finally {
      await t.close();
    }
  });

  it('a bad option stops Visor from starting, naming it', async () => {
    await assert.rejects(startTracked({ trackingOptions: { table: 'drop table;' } }), /tracking option 'table'/);
  });
});
