import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import { BlockingFileSink } from '../src/transfer/blocking-file-sink.js';

const DIGESTS = new URL('../src/transfer/digests.js', import.meta.url).href;

describe('HashingCounter (hashing thread) and BlockingFileSink', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'visor-cli-streams-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a stream held back for the hashing thread keeps the process alive until the digests are in', async () => {
    // 64 MiB produced far faster than MD5 hashes it: the counter holds the stream back while the
    // worker catches up, and nothing else keeps the process alive meanwhile. A worker left
    // unreferenced then let Node exit in the middle (status 13, no output).
    const script = `
      import { Readable, Writable } from 'node:stream';
      import { pipeline } from 'node:stream/promises';
      import { HashingCounter } from ${JSON.stringify(DIGESTS)};
      const block = Buffer.alloc(1024 * 1024, 7);
      const counter = new HashingCounter(['md5', 'sha256']);
      await pipeline(Readable.from((function* () { for (let i = 0; i < 64; i++) yield block; })()), counter, new Writable({ write(c, e, cb) { cb(); } }));
      console.log(JSON.stringify({ bytes: counter.bytes, ...(await counter.digests()) }));
    `;
    // From a file: a worker would inherit `--input-type` of an `-e` script, and refuse to start.
    const file = join(dir, 'held-back.mjs');
    await writeFile(file, script);
    const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 0);
    const expected = Buffer.alloc(64 * 1024 * 1024, 7);
    assert.deepEqual(JSON.parse(out), {
      bytes: expected.length,
      md5: createHash('md5').update(expected).digest('hex'),
      sha256: createHash('sha256').update(expected).digest('hex'),
    });
  });

  it('a hashing thread that cannot start fails the stream with its error, instead of holding it for ever', async () => {
    // A worker inherits the parent's execArgv: `--input-type` is refused for a file, so it fails at start.
    const script = `
      import { Readable, Writable } from 'node:stream';
      import { pipeline } from 'node:stream/promises';
      import { HashingCounter } from ${JSON.stringify(DIGESTS)};
      const block = Buffer.alloc(1024 * 1024, 7);
      await pipeline(Readable.from((function* () { for (let i = 0; i < 64; i++) yield block; })()), new HashingCounter(['sha256']), new Writable({ write(c, e, cb) { cb(); } }))
        .then(() => console.log('finished'), (error) => console.log(error.message));
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 0);
    assert.match(out, /^the hashing thread failed: /);
  });

  it('BlockingFileSink creates a file (w) and writes into one from a position (r+)', async () => {
    const path = join(dir, 'sink.bin');
    const parts = [Buffer.from('hello '), Buffer.from('visor'), Buffer.alloc(100_000, 1)];
    await pipeline(Readable.from(parts), new BlockingFileSink(path, { flags: 'w' }));
    assert.ok((await readFile(path)).equals(Buffer.concat(parts)));
    await pipeline(Readable.from([Buffer.from('HELLO')]), new BlockingFileSink(path, { flags: 'r+', start: 0 }));
    await pipeline(Readable.from([Buffer.from('!')]), new BlockingFileSink(path, { flags: 'r+', start: 100_011 }));
    const expected = Buffer.concat([Buffer.from('HELLO visor'), Buffer.alloc(100_000, 1), Buffer.from('!')]);
    assert.ok((await readFile(path)).equals(expected));
  });

  it('BlockingFileSink reports the file system error: r+ of a missing file, a directory that is not there', async () => {
    await assert.rejects(pipeline(Readable.from([Buffer.from('x')]), new BlockingFileSink(join(dir, 'missing.bin'), { flags: 'r+' })), { code: 'ENOENT' });
    await assert.rejects(pipeline(Readable.from([Buffer.from('x')]), new BlockingFileSink(join(dir, 'no', 'such.bin'), { flags: 'w' })), { code: 'ENOENT' });
  });
});
