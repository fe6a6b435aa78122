import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { VisorClient, type Image } from '@visor/client';
import { removeTempDir } from '@visor/test-support';
import { partialFileName } from '../src/transfer/file-names.js';
import { VISOR, runVisor } from './helpers/run-visor.js';
import { md5, pattern, sha256, tempHome, writeFileOf } from './helpers/files.js';
import { startStallingProxy } from './helpers/stalling-proxy.js';
import { startVisor, type RunningVisor } from './helpers/visor-server.js';

describe('visor get and add --file: progress, digests, resume, temporary name (real server)', () => {
  let visor: RunningVisor;
  let home: string;
  let env: Record<string, string>;
  let admin: VisorClient;
  let image: Image;
  const bytes = pattern(3 * 1024 * 1024 + 123);
  const run = (args: string[]) => runVisor(args, { home, env });

  before(async () => {
    visor = await startVisor();
    home = await tempHome();
    env = { VISOR_URL: visor.url, VISOR_ACCESS_KEY: visor.admin.accessKey, VISOR_SECRET_KEY: visor.admin.secretKey };
    admin = new VisorClient({ url: visor.url, ...visor.admin });
    const file = await writeFileOf(home, 'source.bin', bytes);
    const r = await run(['--json', 'add', 'name=Debian 12 Cloud', 'architecture=x86_64', 'format=qcow2', '--file', file]);
    assert.equal(r.code, 0, r.stderr);
    image = (JSON.parse(r.stdout) as { image: Image }).image;
  });
  after(async () => {
    await visor?.stop();
    await removeTempDir(home);
  });

  it('add --file stored the bytes with the digests computed while sending', () => {
    assert.equal(image.size, bytes.length);
    assert.equal(image.checksum, md5(bytes));
    assert.equal(image.sha256, sha256(bytes));
  });

  it('get writes the file under a name from the image, verifies both digests and says so', async () => {
    const r = await run(['get', image.id]);
    assert.equal(r.code, 0, r.stderr);
    const path = join(home, 'debian-12-cloud.qcow2');
    assert.equal(r.stdout.trim(), path);
    assert.match(r.stderr, /SHA-256 verified/);
    assert.doesNotMatch(r.stderr, /\r/, 'no progress bar without a terminal');
    assert.ok((await readFile(path)).equals(bytes));
    assert.deepEqual((await readdir(home)).filter((n) => n.endsWith('.part')), []);
  });

  it('get --verify-md5 checks MD5 as well', async () => {
    const target = join(home, 'both.qcow2');
    const r = await run(['--json', 'get', image.id, '-o', target, '--verify-md5']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { verified: string[]; checksum: string };
    assert.deepEqual(doc.verified, ['sha256', 'md5']);
    assert.equal(doc.checksum, md5(bytes));
    assert.match(r.stderr, /SHA-256 and MD5 verified/);
    const unverified = await run(['--json', 'get', image.id, '-o', join(home, 'none.qcow2'), '--no-verify']);
    assert.equal(unverified.code, 0, unverified.stderr);
    assert.deepEqual((JSON.parse(unverified.stdout) as { verified: string[] }).verified, []);
    assert.match(unverified.stderr, /digests not verified/);
    assert.ok((await readFile(join(home, 'none.qcow2'))).equals(bytes));
  });

  it('get does not overwrite an existing file without --force (exit 4), and does with it', async () => {
    const target = join(home, 'existing.qcow2');
    await writeFile(target, 'keep me');
    const refused = await run(['get', image.id, '-o', target]);
    assert.equal(refused.code, 4);
    assert.match(refused.stderr, /exists: give --force/);
    assert.equal(await readFile(target, 'utf8'), 'keep me');
    const forced = await run(['--json', 'get', image.id, '-o', target, '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    const doc = JSON.parse(forced.stdout) as { verified: string[]; sha256: string; resumed_from: number };
    assert.deepEqual(doc.verified, ['sha256']);
    assert.equal(doc.sha256, sha256(bytes));
    assert.ok((await readFile(target)).equals(bytes));
  });

  it('get resumes from a partial file with a Range request: only the rest crosses the network', async () => {
    const target = join(home, 'resumed.qcow2');
    const partial = partialFileName(target, image.checksum);
    const have = 1_000_000;
    await writeFile(partial, bytes.subarray(0, have));
    const r = await run(['--json', 'get', image.id, '-o', target]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`resuming .* at byte ${have}`));
    assert.equal((JSON.parse(r.stdout) as { resumed_from: number }).resumed_from, have);
    assert.ok((await readFile(target)).equals(bytes));
    await assert.rejects(stat(partial), { code: 'ENOENT' });
    const downloads = (await admin.historyAll(image.id)).filter((e) => e.action === 'downloaded' && e.outcome === 'completed');
    assert.equal(downloads.at(-1)?.bytes, bytes.length - have, 'the last download moved only the missing bytes');
  });

  it('a partial file whose bytes differ fails verification (exit 8): nothing under the final name, the partial removed', async () => {
    const target = join(home, 'corrupt.qcow2');
    const partial = partialFileName(target, image.checksum);
    const wrong = Buffer.from(bytes.subarray(0, 5000));
    wrong[10] = wrong[10]! ^ 0xff;
    await writeFile(partial, wrong);
    const r = await run(['get', image.id, '-o', target]);
    assert.equal(r.code, 8);
    assert.match(r.stderr, /does not match image/);
    await assert.rejects(stat(target), { code: 'ENOENT' });
    await assert.rejects(stat(partial), { code: 'ENOENT' });
  });

  it('a download interrupted by SIGINT leaves only the temporary file, which the next get resumes', async () => {
    const big = pattern(8 * 1024 * 1024, 11);
    const file = await writeFileOf(home, 'big.raw', big);
    const added = await run(['--json', 'add', 'name=Big', 'architecture=x86_64', 'format=raw', '--file', file]);
    assert.equal(added.code, 0, added.stderr);
    const bigImage = (JSON.parse(added.stdout) as { image: Image }).image;
    const target = join(home, 'big-copy.raw');
    const partial = partialFileName(target, bigImage.checksum);
    // Through a proxy that stops after 1 MiB and holds the connection: the download is surely
    // under way, and surely not finished, when it is interrupted, however fast or loaded the machine.
    const proxy = await startStallingProxy(visor.url, 1024 * 1024);
    try {
      const child = spawn(process.execPath, [VISOR, 'get', bigImage.id, '-o', target], {
        env: { ...process.env, HOME: home, ...env, VISOR_URL: proxy.url },
        stdio: 'ignore',
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      // Wait for bytes on disk (the proxy lets 1 MiB through, so they come, and then no more).
      const deadline = Date.now() + 60_000;
      while ((await stat(partial).then((s) => s.size, () => 0)) === 0) {
        if (Date.now() > deadline) throw new Error(`visor get never wrote to ${partial}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      child.kill('SIGINT');
      const code = await exited;
      assert.notEqual(code, 0, 'an interrupted download is no success');
    } finally {
      await proxy.close();
    }
    await assert.rejects(stat(target), { code: 'ENOENT' }, 'no file under the final name after an interruption');
    const kept = (await stat(partial)).size;
    assert.ok(kept > 0 && kept <= 1024 * 1024, `a partial file of ${kept} bytes (at most what the proxy let through)`);
    const resumed = await run(['get', bigImage.id, '-o', target]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, new RegExp(`resuming .* at byte ${kept}`));
    assert.ok((await readFile(target)).equals(big));
  });

  it('get of an image without a file is a conflict (exit 4); of an unknown id, not found (exit 3)', async () => {
    const locked = await admin.register({ name: 'Empty', architecture: 'x86_64' });
    const r = await run(['get', locked.id]);
    assert.equal(r.code, 4);
    assert.match(r.stderr, /no file to download/);
    assert.equal((await run(['get', '0b7a0e36-1f7e-4d8e-9d51-7f2a7b2f9c11'])).code, 3);
  });

  it('a truncated stored file is caught: the server answers an error and nothing is left under the final name', async () => {
    const stored = await admin.get(image.id);
    const path = new URL(stored.location!).pathname;
    await truncate(path, 100);
    const target = join(home, 'broken.qcow2');
    const r = await run(['get', image.id, '-o', target]);
    assert.notEqual(r.code, 0);
    await assert.rejects(stat(target), { code: 'ENOENT' });
  });
});
