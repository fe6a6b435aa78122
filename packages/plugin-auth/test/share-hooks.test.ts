import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Image, OperationContext, PluginHost } from '@visor/plugin-api';
import { getAuthHooks } from '../src/index.js';
import { imageOf, startAuthVisor, type AuthVisor } from './helpers/auth-visor.js';
import type { AsClient } from './helpers/signed.js';

type Call = { hook: string; image: string; member: string; principal: string | undefined; route: string | undefined };

describe('afterShare / afterUnshare', () => {
  const calls: Call[] = [];
  let server: AuthVisor;
  let alice: AsClient;
  let id: string;
  const recorder = {
    kind: 'extension' as const,
    name: 'share-recorder',
    apply(host: PluginHost) {
      const sharing = getAuthHooks(host);
      const record = (hook: string) => (image: Image, share: { member: string }, context: OperationContext) => {
        calls.push({ hook, image: image.id, member: share.member, principal: context.principal?.id, route: context.request?.route });
      };
      sharing.afterShare.tap('share-recorder', record('afterShare'));
      sharing.afterUnshare.tap('share-recorder', record('afterUnshare'));
      // A failing tap is logged and never fails the request.
      sharing.afterUnshare.tap('share-recorder-broken', () => {
        throw new Error('recorder broke');
      });
    },
  };
  before(async () => {
    server = await startAuthVisor({ plugins: [recorder] });
    alice = await server.user('alice');
    await server.user('bob');
    id = await imageOf(alice, 'private');
  });
  after(() => server.close());

  it('run once per change, with the image, the member and the caller', async () => {
    assert.equal((await alice.put(`/images/${id}/members/bob`)).status, 204);
    assert.equal((await alice.put(`/images/${id}/members/bob`)).status, 204, 'sharing twice is no change');
    assert.equal((await server.root.delete(`/images/${id}/members/bob`)).status, 204, 'a failing afterUnshare tap does not fail the request');
    assert.deepEqual(calls, [
      { hook: 'afterShare', image: id, member: 'bob', principal: 'alice', route: '/images/:id/members/:access_key' },
      { hook: 'afterUnshare', image: id, member: 'bob', principal: 'root', route: '/images/:id/members/:access_key' },
    ]);
    assert.ok(server.logs.some((l) => l.includes('a plugin failed in hook afterUnshare') && l.includes('recorder broke')));
  });

  it('do not run for refused changes', async () => {
    const before = calls.length;
    const bob = await server.user('carl');
    assert.equal((await bob.put(`/images/${id}/members/carl`)).status, 404);
    assert.equal(calls.length, before);
  });
});
