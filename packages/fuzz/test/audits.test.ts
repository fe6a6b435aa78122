import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import knex from 'knex';
import { auditDatabase } from '../src/database-audit.js';
import { auditStore } from '../src/store-audit.js';
import type { WireResponse } from '../src/wire.js';

describe('the fuzzer audits find what they are for', () => {
  it('auditDatabase reports properties and shares that point to no image or user', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'visor-fuzz-audit-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'visor.sqlite');
    const db = knex({ client: 'sqlite3', connection: { filename: file }, useNullAsDefault: true });
    try {
      await db.schema.createTable('images', (t) => t.string('id'));
      await db.schema.createTable('image_properties', (t) => {
        t.string('image_id');
        t.string('name');
      });
      await db.schema.createTable('visor_users', (t) => t.string('access_key'));
      await db.schema.createTable('visor_image_members', (t) => {
        t.string('image_id');
        t.string('access_key');
      });
      await db('images').insert({ id: 'a' });
      await db('visor_users').insert({ access_key: 'alice' });
      await db('image_properties').insert([{ image_id: 'a', name: 'kept' }, { image_id: 'gone', name: 'orphan' }]);
      await db('visor_image_members').insert([{ image_id: 'a', access_key: 'alice' }, { image_id: 'a', access_key: 'bob' }]);
    } finally {
      await db.destroy();
    }
    const problems = await auditDatabase(file, true);
    assert.deepEqual(problems, ["property 'orphan' of image gone, which no longer exists", "share of image a with 'bob', one of which no longer exists"]);
  });

  it('auditStore reports a file no record names, a missing file and a wrong size', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'visor-fuzz-audit-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    await mkdir(join(dir, 'ab'));
    await writeFile(join(dir, 'ab', 'orphan'), 'x');
    await writeFile(join(dir, 'ab', 'short'), 'xy');
    const images = [
      { id: 'short', status: 'available', location: pathToFileURL(join(dir, 'ab', 'short')).href, size: 3 },
      { id: 'lost', status: 'available', location: pathToFileURL(join(dir, 'ab', 'lost')).href, size: 1 },
    ];
    const client = {
      call: async (): Promise<WireResponse> => ({ status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ images })) }),
    };
    // Wrong from the first look to the last: reported once the (short) quiet time is up.
    const problems = await auditStore(client, dir, 300);
    assert.deepEqual(problems.sort(), [
      `file ${join(dir, 'ab', 'orphan')} belongs to no record`,
      'image short says 3 bytes, its file has 2',
      'the file of available image lost is missing',
    ]);
  });
});
