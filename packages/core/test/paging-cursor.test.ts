import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { VisorClient } from '@visor/client';
import { createTestDatabase, get, request, type TestDatabase } from '@visor/test-support';
import { startVisor, type TestVisor } from './helpers/test-visor.js';

const octet = { 'content-type': 'application/octet-stream' };

for (const database of ['sqlite', 'postgres'] as const) {
  describe(`paging with keyset cursors survives deletions (${database})`, () => {
    let t: TestVisor;
    let db: TestDatabase | undefined;
    const batch = `p${randomBytes(4).toString('hex')}`;
    const ids = new Map<string, string>();

    before(async () => {
      if (database === 'postgres') db = await createTestDatabase();
      t = await startVisor(db ? { database: { client: 'pg', connection: db.url } } : {});
      // Eight images: names a..h; sizes for four of them (the others null, sorted last).
      for (const [i, name] of ['c', 'a', 'h', 'e', 'b', 'g', 'd', 'f'].entries()) {
        const res = await request('POST', `${t.url}/images`, { body: { image: { name, architecture: 'x86_64', batch } } });
        assert.equal(res.status, 201, res.text);
        ids.set(name, res.json().image.id);
        if (i % 2 === 0) await request('PUT', `${t.url}/images/${res.json().image.id}`, { headers: octet, body: randomBytes(100 + i) });
      }
    });
    after(async () => {
      await t?.close();
      await db?.drop();
    });

    const remove = async (name: string) => {
      const res = await request('DELETE', `${t.url}/images/${ids.get(name)}`);
      assert.equal(res.status, 200, res.text);
      ids.delete(name);
    };

    for (const [sort, dir] of [['name', 'asc'], ['name', 'desc'], ['created_at', 'asc'], ['size', 'asc'], ['size', 'desc']] as const) {
      it(`sort=${sort}&dir=${dir}: the last image of a page is deleted before the next is fetched; paging goes on without gaps or repeats`, async () => {
        const before = (await get(`${t.url}/images?batch=${batch}&sort=${sort}&dir=${dir}&limit=1000`)).json().images.map((i: { name: string }) => i.name) as string[];
        const seen: string[] = [];
        let next: string | undefined = `${t.url}/images?batch=${batch}&sort=${sort}&dir=${dir}&limit=2`;
        let deleted: string | undefined;
        while (next) {
          const res = await get(next);
          assert.equal(res.status, 200, res.text);
          const page = res.json();
          seen.push(...page.images.map((i: { name: string }) => i.name));
          next = page.next;
          if (next) {
            assert.match(next, /[?&]cursor=[A-Za-z0-9_-]+/);
            assert.doesNotMatch(next, /marker=/);
          }
          if (next && deleted === undefined) {
            // Delete the page's last image (what a marker would name), and recreate it so later tests still have eight.
            deleted = page.images[page.images.length - 1].name as string;
            await remove(deleted);
          }
        }
        assert.ok(deleted);
        assert.deepEqual(seen, before, 'every image once, in order (the deleted one was already seen)');
        const res = await request('POST', `${t.url}/images`, { body: { image: { name: deleted, architecture: 'x86_64', batch } } });
        ids.set(deleted, res.json().image.id);
      });
    }

    it('a tampered or foreign cursor is 400 naming cursor; marker=<id> still works; both at once is 400', async () => {
      const first = (await get(`${t.url}/images?batch=${batch}&sort=name&limit=2`)).json();
      const cursor = new URL(first.next).searchParams.get('cursor')!;
      const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
      const tampered = [
        'not*base64',
        Buffer.from('{"a":1}').toString('base64url'),
        Buffer.from(JSON.stringify([...decoded.slice(0, 4), 'not-a-uuid'])).toString('base64url'),
        Buffer.from(JSON.stringify([2, ...decoded.slice(1)])).toString('base64url'),
        Buffer.from(JSON.stringify([1, 'name', 'asc', { evil: true }, decoded[4]])).toString('base64url'),
      ];
      for (const bad of tampered) {
        const res = await get(`${t.url}/images?batch=${batch}&sort=name&limit=2&cursor=${bad}`);
        assert.equal(res.status, 400, bad);
        assert.equal(res.json().field, 'cursor');
        assert.match(res.json().message, /^'cursor' is not a cursor this server issued/);
      }
      const otherSort = await get(`${t.url}/images?batch=${batch}&sort=size&limit=2&cursor=${cursor}`);
      assert.equal(otherSort.status, 400, 'a cursor of another sort order');
      assert.equal(otherSort.json().field, 'cursor');
      const both = await get(`${t.url}/images?batch=${batch}&sort=name&limit=2&cursor=${cursor}&marker=${first.images[1].id}`);
      assert.equal(both.status, 400);
      const byMarker = (await get(`${t.url}/images?batch=${batch}&sort=name&limit=2&marker=${first.images[1].id}`)).json();
      const byCursor = (await get(first.next)).json();
      assert.deepEqual(byMarker.images, byCursor.images, 'marker and cursor name the same position');
    });

    it("the typed client's listAll follows the cursors while images are deleted", async () => {
      const expected = (await get(`${t.url}/images?batch=${batch}&sort=name&limit=1000`)).json().images.map((i: { name: string }) => i.name) as string[];
      let pages = 0;
      const victims: string[] = [];
      const client = new VisorClient({
        url: t.url,
        fetch: async (input, init) => {
          const res = await fetch(input, init);
          pages += 1;
          // After each page, delete the last image it held, as a "list everything, then act on each" loop would.
          const page = (await res.clone().json()) as { images: Array<{ name: string }>; next?: string };
          const last = page.images[page.images.length - 1]?.name;
          if (page.next && last !== undefined) {
            victims.push(last);
            await remove(last);
          }
          return res;
        },
      });
      const all = await client.listAll({ batch }, { sort: 'name', limit: 3 });
      assert.ok(pages >= 3 && victims.length >= 2);
      assert.deepEqual(all.map((i) => i.name), expected);
    });
  });
}
