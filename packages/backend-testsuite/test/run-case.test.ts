import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Backend } from '@visor/core';
import { resolveSuiteOptions } from '../src/options.js';
import { runCase } from '../src/run-case.js';
import { MemoryBackend } from './support/memory-backend.js';

describe('runCase', () => {
  it('closes and destroys the backend even when the check fails', async () => {
    const events: string[] = [];
    const backend = Object.assign(new MemoryBackend('mem'), { close: async () => void events.push('close') });
    const options = resolveSuiteOptions({
      label: 'probe',
      create: async () => backend,
      destroy: async (made: Backend) => void events.push(made === backend ? 'destroy' : 'destroy(other)'),
      listRaw: async () => [],
    });
    const failing = { title: 'fails', run: async () => assert.fail('on purpose') };
    await assert.rejects(runCase(failing, options), /on purpose/);
    assert.deepEqual(events, ['close', 'destroy']);
  });

  it('fills in the documented defaults', () => {
    const options = resolveSuiteOptions({ label: 'x', create: async () => new MemoryBackend('m'), listRaw: async () => [] });
    assert.equal(options.foreignLocation, 'nosuch://elsewhere/x');
    assert.equal(options.backpressureLimit, 4 * 1024 * 1024);
    assert.equal(options.storedBytes, undefined);
  });
});
