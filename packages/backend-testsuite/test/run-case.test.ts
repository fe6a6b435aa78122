import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Backend } from '@visor/plugin-api';
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

  it('skips, with the reason, a check that needs an optional method the backend lacks; without a skip callback it fails', async () => {
    const backend = Object.assign(new MemoryBackend('mem'), { openReader: undefined });
    const options = resolveSuiteOptions({ label: 'bare', create: async () => backend, listRaw: async () => [] });
    let ran = false;
    const check = { title: 'reads', needs: 'openReader' as const, run: async () => void (ran = true) };
    const reasons: string[] = [];
    await runCase(check, options, (reason) => reasons.push(reason));
    assert.equal(ran, false);
    assert.deepEqual(reasons, ['backend bare offers no openReader()']);
    await assert.rejects(runCase(check, options), /has no openReader\(\), which this check needs/);
  });

  it('fills in the documented defaults', () => {
    const options = resolveSuiteOptions({ label: 'x', create: async () => new MemoryBackend('m'), listRaw: async () => [] });
    assert.equal(options.foreignLocation, 'nosuch://elsewhere/x');
    assert.equal(options.backpressureLimit, 4 * 1024 * 1024);
    assert.equal(options.storedBytes, undefined);
  });
});
