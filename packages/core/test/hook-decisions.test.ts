import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, it } from 'node:test';
import { get, request } from '@visor/test-support';
import { AsyncSeriesHook, BackendError, ConflictError, pluginHooks, VisorError, type Image, type StoreChoice } from '../src/index.js';
import { extension } from './helpers/plugin-kit.js';
import { startVisor, X86, type TestVisor } from './helpers/test-visor.js';

const octet = { 'content-type': 'application/octet-stream' };
const TWO_STORES = { stores: { default: { backend: 'fs' }, big: { backend: 'fs', options: { directory: 'big' } } } };

describe('hooks as decisions', () => {
  let t: TestVisor | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  describe('chooseStore', () => {
    it('places a registration that names no store: by format, and by the declared size of its upload', async () => {
      const choices: StoreChoice[] = [];
      t = await startVisor({
        ...TWO_STORES,
        plugins: [
          extension('placement', (host) => {
            host.hooks.chooseStore.tap('placement', (choice) => {
              choices.push(choice);
              if (choice.draft.format === 'iso') return 'big';
              if (choice.size !== null && choice.size > 1000) return 'big';
              return undefined;
            });
          }),
        ],
      });
      const iso = (await request('POST', `${t.url}/images`, { body: { image: { ...X86, format: 'iso' } } })).json().image as Image;
      assert.equal(iso.store, 'big');
      const small = (await request('POST', `${t.url}/images`, { body: { image: X86 } })).json().image as Image;
      assert.equal(small.store, 'default', 'no answer: the default store');
      const headers = { ...octet, 'x-image-meta-name': 'big one', 'x-image-meta-architecture': 'x86_64' };
      const large = await request('POST', `${t.url}/images`, { headers, body: randomBytes(5000) });
      assert.equal(large.status, 201, large.text);
      assert.equal(large.json().image.store, 'big', 'placed by the Content-Length of the upload');
      const named = (await request('POST', `${t.url}/images`, { body: { image: { ...X86, format: 'iso', store: 'default' } } })).json().image as Image;
      assert.equal(named.store, 'default', 'a store the client names is not second-guessed');
      assert.equal(choices.length, 3);
      assert.deepEqual(choices[0]!.stores.map((s) => [s.name, s.type, s.capabilities.write]), [['default', 'fs', true], ['big', 'fs', true]]);
      assert.equal(choices[2]!.size, 5000);
    });

    it('an answer naming no configured store is refused naming the field', async () => {
      t = await startVisor({ plugins: [extension('lost', (host) => host.hooks.chooseStore.tap('lost', () => 'nowhere'))] });
      const res = await request('POST', `${t.url}/images`, { body: { image: X86 } });
      assert.equal(res.status, 400);
      assert.equal(res.json().field, 'store');
      assert.match(res.json().message, /store 'nowhere' is not configured/);
    });
  });

  describe('beforeRegister is a waterfall', () => {
    it('each tap gets the previous one\'s draft and returns its own; the stored image is the last', async () => {
      t = await startVisor({
        ...TWO_STORES,
        plugins: [
          extension('first', (host) => {
            host.hooks.beforeRegister.tap('first', (draft) => ({ ...draft, properties: { ...draft.properties, stage: 'first' } }));
          }),
          extension('second', (host) => {
            host.hooks.beforeRegister.tap('second', (draft) => ({ ...draft, name: `${draft.name} (${String(draft.properties.stage)})`, store: 'big' }));
          }),
        ],
      });
      const image = (await request('POST', `${t.url}/images`, { body: { image: X86 } })).json().image;
      assert.equal(image.name, 'Debian 12 (first)');
      assert.equal(image.stage, 'first');
      assert.equal(image.store, 'big');
    });

    it('a draft moved to a store that is not configured is refused', async () => {
      t = await startVisor({
        plugins: [extension('mover', (host) => host.hooks.beforeRegister.tap('mover', (draft) => ({ ...draft, store: 'gone' })))],
      });
      const res = await request('POST', `${t.url}/images`, { body: { image: X86 } });
      assert.equal(res.status, 400);
      assert.equal(res.json().field, 'store');
    });
  });

  describe('mapError', () => {
    it('a tap may answer with another error, or only observe; a tap that throws leaves the error as it was', async () => {
      const seen: Array<[string, string]> = [];
      t = await startVisor({
        plugins: [
          extension('errors', (host) => {
            host.hooks.mapError.tap('observe', (error, event) => void seen.push([(error as VisorError).code, event.request.route]));
            host.hooks.mapError.tap('map', (error) =>
              error instanceof BackendError ? new ConflictError(`mapped: ${error.message}`) : undefined,
            );
            host.hooks.beforeDelete.tap('errors', (image) => {
              if (image.name === 'backend') throw new BackendError('default', image.id, 'pretend the store failed');
            });
          }),
        ],
      });
      const image = (await request('POST', `${t.url}/images`, { body: { image: { ...X86, name: 'backend' } } })).json().image;
      const res = await request('DELETE', `${t.url}/images/${image.id}`);
      assert.equal(res.status, 409);
      assert.match(res.json().message, /^mapped: backend 'default'/);
      assert.equal((await get(`${t.url}/images/00000000-0000-4000-8000-000000000000/meta`)).status, 404, 'other errors pass unmapped');
      assert.deepEqual(seen, [['BackendError', '/images/:id'], ['NotFound', '/images/:id/meta']]);
      await t.close();

      t = await startVisor({ plugins: [extension('broken', (host) => host.hooks.mapError.tap('broken', () => { throw new Error('mapper broke'); }))] });
      const missing = await get(`${t.url}/images/00000000-0000-4000-8000-000000000000/meta`);
      assert.equal(missing.status, 404);
      assert.ok(t.logs.some((l) => l.includes('a plugin failed in hook mapError') && l.includes('mapper broke')));
    });
  });

  describe('plugin-owned hooks', () => {
    it('pluginHooks gives every plugin the same hooks object per Visor, made on first use; emitAfter runs them detached and close() waits', async () => {
      const getOwnHooks = pluginHooks('owner', () => ({ afterThing: new AsyncSeriesHook<[string]>(['thing']) }));
      const heard: string[] = [];
      let release!: () => void;
      const slow = new Promise<void>((resolve) => (release = resolve));
      t = await startVisor({
        plugins: [
          // The listener is applied first and asks first: the object exists before its owner runs.
          extension('listener', (host) => {
            getOwnHooks(host).afterThing.tapPromise('listener', async (thing) => {
              await slow;
              heard.push(thing);
            });
          }),
          extension('owner', (host) => {
            host.addRoute('POST', '/things', async () => {
              host.emitAfter('afterThing', getOwnHooks(host).afterThing, 'one');
              return { status: 204 };
            });
          }),
        ],
      });
      assert.equal(getOwnHooks(t.visor), getOwnHooks(t.visor));
      assert.equal((await request('POST', `${t.url}/things`)).status, 204, 'answered without waiting for the tap');
      assert.deepEqual(heard, []);
      const closing = t.close();
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(heard, [], 'close() is still waiting for the run');
      release();
      await closing;
      assert.deepEqual(heard, ['one']);
      t = undefined;
      const other = await startVisor();
      try {
        assert.equal(getOwnHooks(other.visor).afterThing.taps.length, 0, 'another Visor has hooks objects of its own');
      } finally {
        await other.close();
      }
    });
  });
});
