import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BackendUnavailableError, type CleanupOptions } from '@visor/plugin-api';
import { LeftoverSweeps } from '../src/instances/leftover-sweeps.js';
import type { StoreBackend } from '../src/stores/store-backend.js';
import { memoryLogger } from './helpers/test-visor.js';

/** A writable store whose cleanup does what `next` says, sweep after sweep. */
function store(name: string, next: () => Promise<number>, write = true): StoreBackend {
  return { name, capabilities: { write }, cleanup: (_options?: CleanupOptions) => next() } as unknown as StoreBackend;
}

const records = (lines: string[]) => lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((r) => r.msg !== 'backend call');

describe('leftover sweeps: a store that cannot clean up', () => {
  it('unavailable: one info line naming the store and its reason (the store warns itself), then debug lines while it repeats, info once it works again', async () => {
    const lines: string[] = [];
    const sweeps = new LeftoverSweeps(memoryLogger(lines));
    const missing = new BackendUnavailableError('s3', undefined, "aborting stale multipart uploads in bucket 'b' failed: the bucket does not exist (NoSuchBucket)");
    let outcome: () => Promise<number> = () => Promise.reject(missing);
    let swept = 0;
    const stores = [store('s3', () => outcome()), store('fs', async () => ++swept), store('readonly', () => Promise.reject(new Error('never called')), false)];

    assert.equal(await sweeps.sweep(stores, undefined), 1);
    assert.equal(await sweeps.sweep(stores, 1000), 2);
    assert.equal(await sweeps.sweep(stores, 1000), 3);
    let logged = records(lines);
    assert.deepEqual(logged.map((r) => r.level), ['info', 'debug', 'debug']);
    assert.equal(logged[0]!.store, 's3');
    assert.equal(logged[0]!.reason, "backend 's3': aborting stale multipart uploads in bucket 'b' failed: the bucket does not exist (NoSuchBucket)");
    assert.equal(logged[0]!.err, undefined);

    // Another cause is noted again.
    const denied = new BackendUnavailableError('s3', undefined, 'aborting stale multipart uploads failed: access to the bucket is denied for these credentials (AccessDenied)');
    outcome = () => Promise.reject(denied);
    await sweeps.sweep(stores, 1000);
    outcome = async () => 2;
    assert.equal(await sweeps.sweep(stores, 1000), 2 + 5);
    await sweeps.sweep(stores, 1000);
    logged = records(lines).slice(3);
    assert.deepEqual(logged.map((r) => [r.level, r.store]), [['info', 's3'], ['info', 's3']]);
    assert.match(String(logged[0]!.reason), /AccessDenied/);
    assert.equal(logged[1]!.msg, 'the store cleans up its leftovers again');
  });

  it('any other failure is an error, each time, with the error and its cause', async () => {
    const lines: string[] = [];
    const sweeps = new LeftoverSweeps(memoryLogger(lines));
    const stores = [store('odd', () => Promise.reject(new Error('a bug', { cause: new Error('deeper') })))];
    await sweeps.sweep(stores, undefined);
    await sweeps.sweep(stores, undefined);
    const logged = records(lines);
    assert.deepEqual(logged.map((r) => r.level), ['error', 'error']);
    assert.deepEqual(logged[0]!.err, { name: 'Error', message: 'a bug', cause: { name: 'Error', message: 'deeper' } });
  });
});
