import assert from 'node:assert/strict';
import type { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import {
  ObjectNotFoundError,
  type GetOptions,
  type GetResult,
  type ObjectReader,
  type ObjectStat,
  type PutOptions,
  type PutResult,
} from '@visor/plugin-api';
import { readAll } from '../src/bytes.js';
import { resolveSuiteOptions } from '../src/options.js';
import { runCase } from '../src/run-case.js';
import { chunkedSource } from '../src/sources/chunked-source.js';
import { findCase } from './support/find-case.js';
import { MemoryBackend } from './support/memory-backend.js';
import { memorySuiteOptions } from './support/memory-suite-options.js';

// Each variant breaks one promise of the contract; the check that guards it must fail.

class IgnoresRanges extends MemoryBackend {
  override get(location: string, options: GetOptions = {}): Promise<GetResult> {
    return super.get(location, { ...options, range: undefined });
  }
}

class KeepsPartials extends MemoryBackend {
  protected override discardPartial(): void {}
}

class AcceptsAnyKey extends MemoryBackend {
  protected override checkKey(): void {}
}

class IgnoresPutSignal extends MemoryBackend {
  override put(key: string, source: Readable, options: PutOptions = {}): Promise<PutResult> {
    return super.put(key, source, { ...options, signal: undefined });
  }
}

class IgnoresGetSignal extends MemoryBackend {
  override get(location: string, options: GetOptions = {}): Promise<GetResult> {
    return super.get(location, { ...options, signal: undefined });
  }
}

/** Reads the whole source into memory before storing any of it. */
class BuffersWholeSource extends MemoryBackend {
  override async put(key: string, source: Readable, options: PutOptions = {}): Promise<PutResult> {
    const data = await readAll(source);
    return super.put(key, chunkedSource(data), options);
  }
}

/** Overwrites in place without truncating, so a shorter object keeps the old tail. */
class KeepsOldTail extends MemoryBackend {
  protected override commit(key: string, data: Buffer): void {
    const old = this.objects.get(key);
    super.commit(key, old && old.length > data.length ? Buffer.concat([data, old.subarray(data.length)]) : data);
  }
}

class NotFoundWithoutKey extends MemoryBackend {
  override async stat(location: string): Promise<ObjectStat> {
    try {
      return await super.stat(location);
    } catch (error) {
      if (error instanceof ObjectNotFoundError) throw new ObjectNotFoundError(this.name, 'unknown');
      throw error;
    }
  }
}

/** Predicts a location put does not use. */
class PredictsWrongLocation extends MemoryBackend {
  override locationOf(key: string): string {
    return `${super.locationOf(key)}.v2`;
  }
}

/** Reads from the start of the object whatever the position asked. */
class ReadsIgnorePosition extends MemoryBackend {
  protected override readAt(data: Buffer, buffer: Buffer, length: number): number {
    return super.readAt(data, buffer, length, 0);
  }
}

/** A missing object gives a reader of nothing instead of an error. */
class OpensMissingObjects extends MemoryBackend {
  override async openReader(location: string): Promise<ObjectReader> {
    try {
      return await super.openReader(location);
    } catch (error) {
      if (!(error instanceof ObjectNotFoundError)) throw error;
      return { size: 0, read: async () => 0, close: async () => undefined };
    }
  }
}

/** Its cleanup() aborts the writes in progress, as if they were leftovers. */
class CleanupAbortsWrites extends MemoryBackend {
  private readonly inFlight = new Set<AbortController>();
  override async put(key: string, source: Readable, options: PutOptions = {}): Promise<PutResult> {
    const controller = new AbortController();
    this.inFlight.add(controller);
    try {
      return await super.put(key, source, { ...options, signal: controller.signal });
    } finally {
      this.inFlight.delete(controller);
    }
  }
  override async cleanup(): Promise<number> {
    for (const controller of this.inFlight) controller.abort();
    return super.cleanup();
  }
}

class CleanupRemovesObjects extends MemoryBackend {
  override async cleanup(): Promise<number> {
    const count = this.objects.size;
    this.objects.clear();
    return count;
  }
}

const cases: Array<[brokenPromise: string, checkPrefix: string, create: () => MemoryBackend]> = [
  ['range reads', 'a range read returns exactly a middle slice', () => new IgnoresRanges('mem')],
  ['nothing left after a source error', 'a source that errors midway', () => new KeepsPartials('mem')],
  ['nothing left after an abort', 'an AbortSignal aborted midway', () => new KeepsPartials('mem')],
  ['key validation', 'put refuses the key "../x"', () => new AcceptsAnyKey('mem')],
  ['put honours its signal', 'an AbortSignal aborted midway', () => new IgnoresPutSignal('mem')],
  ['get honours its signal', 'aborting the signal of a get', () => new IgnoresGetSignal('mem')],
  ['backpressure', 'put does not drain its source far ahead', () => new BuffersWholeSource('mem')],
  ['replace', 'put to an existing key replaces', () => new KeepsOldTail('mem')],
  ['errors name the key', 'stat of a missing object', () => new NotFoundWithoutKey('mem')],
  ['locationOf agrees with put', 'locationOf(key) names the location', () => new PredictsWrongLocation('mem')],
  ['positional reads', 'openReader reports the size and reads the same bytes', () => new ReadsIgnorePosition('mem')],
  ['openReader of a missing object', 'openReader of a missing object', () => new OpensMissingObjects('mem')],
  ['cleanup spares writes in progress', 'a put in progress survives cleanup()', () => new CleanupAbortsWrites('mem')],
  ['cleanup removes only leftovers', 'cleanup(), if implemented', () => new CleanupRemovesObjects('mem')],
];

describe('the suite catches broken backends', () => {
  for (const [brokenPromise, checkPrefix, create] of cases) {
    it(`fails a backend that breaks: ${brokenPromise}`, async () => {
      const options = resolveSuiteOptions(memorySuiteOptions('broken', create));
      await assert.rejects(runCase(findCase(checkPrefix), options), assert.AssertionError);
    });
  }
});
