import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import {
  BackendError,
  CapabilityError,
  LengthRequiredError,
  ReadOnlyBackendError,
  WRITABLE_STORE,
  READ_ONLY_SOURCE,
  type Backend,
} from '../src/index.js';
import { StoreBackend, type BackendCall } from '../src/stores/store-backend.js';
import { memoryLogger } from './helpers/test-visor.js';

function bare(overrides: Partial<Backend> = {}): Backend {
  return {
    name: 'store1',
    type: 'bare',
    capabilities: WRITABLE_STORE,
    put: async () => ({ location: 'bare://x', size: 0 }),
    get: async () => ({ body: Readable.from([]), info: { size: 0 } }),
    stat: async () => ({ size: 0 }),
    delete: async () => undefined,
    health: async () => ({ ok: true }),
    ...overrides,
  };
}

describe('StoreBackend, the wrapper around every backend', () => {
  it('names store and key in errors a backend throws as plain Errors, and records each call with its duration', async () => {
    const calls: BackendCall[] = [];
    const lines: string[] = [];
    const store = StoreBackend.wrap(bare({ stat: async () => { throw new Error('socket hang up'); } }), 'bare', memoryLogger(lines), (call) => calls.push(call));
    await assert.rejects(store.stat('bare://k1'), (error: unknown) => {
      assert.ok(error instanceof BackendError);
      assert.equal(error.message, "backend 'store1' key 'bare://k1': socket hang up");
      assert.equal((error.cause as Error).message, 'socket hang up');
      return true;
    });
    await store.health();
    assert.deepEqual(calls.map((c) => [c.operation, c.subject, c.ok, c.code]), [['stat', 'bare://k1', false, 'BackendError'], ['health', undefined, true, undefined]]);
    assert.ok(calls.every((c) => typeof c.durationMs === 'number' && c.durationMs >= 0));
    assert.ok(lines.some((l) => l.includes('"msg":"backend call"') && l.includes('"operation":"stat"')));
  });

  it('refuses what the capabilities exclude without calling the backend', async () => {
    let called = 0;
    const count = async () => void called++;
    const readOnly = StoreBackend.wrap(bare({ capabilities: READ_ONLY_SOURCE, ownsLocation: () => true, put: async () => (called++, { location: 'x', size: 0 }), delete: count }), 'bare', memoryLogger([]));
    await assert.rejects(readOnly.put('k', Readable.from([])), ReadOnlyBackendError);
    await assert.rejects(readOnly.delete('bare://k'), ReadOnlyBackendError);
    await assert.rejects(readOnly.openReader('bare://k'), CapabilityError);
    await assert.rejects(readOnly.redirectUrl('bare://k', { expiresIn: 1, method: 'GET' }), CapabilityError);
    assert.throws(() => readOnly.locationOf('k'), CapabilityError);
    const sized = StoreBackend.wrap(bare({ capabilities: { ...WRITABLE_STORE, sizeRequired: true }, put: async () => (called++, { location: 'x', size: 0 }) }), 'bare', memoryLogger([]));
    await assert.rejects(sized.put('k', Readable.from([])), LengthRequiredError);
    assert.equal(called, 0);
    assert.equal(StoreBackend.wrap(bare(), 'bare', memoryLogger([])).ownsLocation('bare://x'), false, 'a store that registers no locations owns none');
  });

  it('refuses a get() that does not resolve to { body, info: { size } }', async () => {
    const store = StoreBackend.wrap(bare({ get: async () => Readable.from([]) as never }), 'bare', memoryLogger([]));
    await assert.rejects(store.get('bare://k'), /get\(\) must resolve to \{ body: Readable, info: \{ size \} \}/);
  });
});
