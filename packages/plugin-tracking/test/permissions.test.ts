import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from '@visor/test-support';
import { as } from './helpers/principal.js';
import { startTracked, type TrackedVisor } from './helpers/tracked-visor.js';

describe('who may read a history', () => {
  let t: TrackedVisor;
  let id: string;
  before(async () => {
    t = await startTracked({ principals: true });
    id = await t.register({ name: 'Alice private', architecture: 'x86_64' }, as('alice'));
    await t.historyOf(id, 1, as('alice'));
  });
  after(() => t.close());

  const history = (user: string) => request('GET', `${t.url}/images/${id}/history`, { headers: as(user) });

  it('the owner reads it, and sees themself as the actor', async () => {
    const res = await history('alice');
    assert.equal(res.status, 200);
    assert.equal(res.json().history[0].actor, 'alice');
  });

  it('another user gets 404, as if the image did not exist', async () => {
    const res = await history('bob');
    assert.equal(res.status, 404);
    assert.equal(res.json().code, 'NotFound');
  });

  it('an admin reads it', async () => {
    assert.equal((await history('root:admin')).status, 200);
  });

  it('after the delete: still the owner and admins only, with the deleting admin as actor', async () => {
    assert.equal((await request('DELETE', `${t.url}/images/${id}`, { headers: as('root:admin') })).status, 200);
    const events = await t.historyOf(id, 2, as('alice'));
    assert.equal(events.at(-1).action, 'deleted');
    assert.equal(events.at(-1).actor, 'root');
    assert.equal((await history('bob')).status, 404);
    assert.equal((await history('root:admin')).status, 200);
  });
});
