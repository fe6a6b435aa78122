import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { HashSession } from '../src/hashing/hash-worker-client.js';
import { HashWorkerPool } from '../src/hashing/hash-worker-pool.js';
import { waitFor } from './helpers/wait-for.js';

function session(): HashSession & { digest: Promise<string>; acks: ArrayBuffer[] } {
  let resolve!: (hex: string) => void;
  let reject!: (error: Error) => void;
  const digest = new Promise<string>((res, rej) => ((resolve = res), (reject = rej)));
  digest.catch(() => undefined); // a session still open when the pool stops fails; the tests read digests they expect
  const acks: ArrayBuffer[] = [];
  return { digest, acks, onAck: (buffer) => acks.push(buffer), onDigest: (hex) => resolve(hex), onFail: (error) => reject(error) };
}

describe('hashing thread pool', () => {
  it('gives concurrent uploads threads of their own up to its size, then the least busy; an idle thread is reused', async () => {
    const pool = new HashWorkerPool('md5', 2);
    try {
      const a = pool.pick();
      a.open(1, session());
      const b = pool.pick();
      assert.notEqual(b, a, 'a second upload gets a second thread');
      b.open(2, session());
      const c = pool.pick();
      assert.ok(c === a || c === b, 'no third thread beyond the size');
      c.open(3, session());
      const d = pool.pick();
      assert.equal(d, c === a ? b : a, 'the least busy thread');
      for (const [thread, id] of [[a, 1], [b, 2], [c, 3]] as const) thread.abort(id);
      await waitFor('every session gone', () => (a.load === 0 && b.load === 0 ? true : undefined));
      assert.equal(pool.pick(), a, 'an idle thread is reused, no new one started');
    } finally {
      await pool.terminate();
    }
  });

  it('hashes a buffer moved to its thread and moves it back (transfer, no copy): the digest is right', async () => {
    const pool = new HashWorkerPool('sha256', 1);
    try {
      const thread = pool.pick();
      const s = session();
      thread.open(7, s);
      const buffer = new ArrayBuffer(1024);
      new Uint8Array(buffer).fill(42);
      thread.send(7, buffer, 1000);
      assert.equal(buffer.byteLength, 0, 'detached here while the thread has it');
      thread.end(7);
      assert.equal(await s.digest, createHash('sha256').update(Buffer.alloc(1000, 42)).digest('hex'));
      assert.equal(s.acks.length, 1);
      assert.equal(s.acks[0]!.byteLength, 1024, 'the whole buffer came back');
      assert.equal(new Uint8Array(s.acks[0]!)[1023], 42);
    } finally {
      await pool.terminate();
    }
  });
});
