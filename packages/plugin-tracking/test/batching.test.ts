import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLogger, createVisor, silentLogger, type Visor } from '@visor/core';
import { request } from '@visor/test-support';
import trackingPlugin from '../src/index.js';
import { waitFor } from './helpers/tracked-visor.js';

/** A Visor with tracking over loopback, on `dataDir` (kept across restarts), its log lines in `logs`. */
async function start(dataDir: string, options: Record<string, unknown>, logs: string[] = []): Promise<{ visor: Visor; url: string }> {
  const logger = createLogger('debug', { write: (chunk: string) => logs.push(chunk) });
  const visor = await createVisor({ dataDir, port: 0, plugins: [{ name: trackingPlugin, options }] }, { logger });
  const { url } = await visor.listen();
  return { visor, url };
}

async function register(url: string, name: string): Promise<string> {
  const res = await request('POST', `${url}/images`, { body: { image: { name, architecture: 'x86_64' } } });
  assert.equal(res.status, 201, res.text);
  return res.json().image.id as string;
}

/** The events stored in the database of `dataDir`, read by a fresh Visor (its own tracking writes nothing). */
async function storedEvents(dataDir: string): Promise<Array<{ image_id: string; action: string; seq: number }>> {
  const visor = await createVisor({ dataDir, plugins: [] }, { logger: silentLogger });
  try {
    return await visor.db('visor_events').select('image_id', 'action', 'seq').orderBy('id');
  } finally {
    await visor.close();
  }
}

const countEvents = async (visor: Visor) => Number(((await visor.db('visor_events').count({ n: '*' }).first()) as { n: number }).n);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('tracking writes events in batches', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'visor-tracking-batch-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  it('events wait in memory until their batch is due, and a history read writes them first', async () => {
    const dir = join(dataDir, 'read');
    const { visor, url } = await start(dir, { flushMs: 60_000 });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) ids.push(await register(url, `image-${i}`));
      await pause(100); // the after-hooks (detached) have queued their events by now
      assert.equal(await countEvents(visor), 0, 'no event is written before its batch is due');
      const res = await request('GET', `${url}/images/${ids[19]}/history`);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json().history.map((e: { action: string }) => e.action), ['registered']);
      assert.equal(await countEvents(visor), 20, 'the read wrote the whole queue');
    } finally {
      await visor.close();
    }
  });

  it('closing writes every queued event, in the order they happened', async () => {
    const dir = join(dataDir, 'close');
    const { visor, url } = await start(dir, { flushMs: 60_000 });
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) ids.push(await register(url, `image-${i}`));
    await visor.close(); // at once: the batch is not due for a minute
    const events = await storedEvents(dir);
    assert.deepEqual(events.map((e) => e.image_id), ids);
    assert.ok(events.every((e) => e.action === 'registered'));
    assert.deepEqual(events.map((e) => Number(e.seq)), [...events.map((e) => Number(e.seq))].sort((a, b) => a - b));
  });

  it('the queue is bounded: past maxQueuedEvents, events are dropped and the drop is logged', async () => {
    const dir = join(dataDir, 'bounded');
    const logs: string[] = [];
    const { visor, url } = await start(dir, { flushMs: 60_000, maxQueuedEvents: 5 }, logs);
    for (let i = 0; i < 8; i++) await register(url, `image-${i}`);
    await pause(100);
    await visor.close();
    assert.equal((await storedEvents(dir)).length, 5);
    const lines = logs.join('').split('\n').filter((l) => l.includes('tracking dropped'));
    assert.ok(lines.length >= 1, 'a dropped event is logged');
    assert.equal(JSON.parse(lines[0]!).level, 'error');
    const summary = lines.map((l) => JSON.parse(l)).find((l) => l.dropped !== undefined);
    assert.equal(summary?.dropped, 3, 'the next write logs how many were dropped');
  });

  it('with the default flushMs events reach the database on their own, without a read', async () => {
    const dir = join(dataDir, 'default');
    const { visor, url } = await start(dir, {});
    try {
      await register(url, 'one');
      await waitFor(async () => (await countEvents(visor)) === 1, 'the registered event in the table', 2000);
    } finally {
      await visor.close();
    }
  });

  it('flushMs and maxQueuedEvents are checked at start-up', async () => {
    for (const options of [{ flushMs: 0 }, { flushMs: 1.5 }, { maxQueuedEvents: -1 }]) {
      const name = Object.keys(options)[0]!;
      await assert.rejects(
        createVisor({ dataDir: join(dataDir, 'bad'), plugins: [{ name: trackingPlugin, options }] }, { logger: silentLogger }),
        (error: Error & { code?: string }) => {
          assert.equal(error.code, 'ConfigError');
          assert.match(error.message, new RegExp(`plugins\\[0\\]\\.options\\.${name}`));
          return true;
        },
      );
    }
  });
});
