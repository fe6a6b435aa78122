#!/usr/bin/env node
// Benchmark of the visor command line (not part of the tests), against curl in the same run:
//   - `visor add k=v --file` (POST register and upload, SHA-256 computed and compared) vs `curl -T -X POST`
//   - `visor get ID -o FILE` (download to disk, MD5+SHA-256 verified) vs `curl -o FILE`
//   - start-up: `visor list --json` against a running server vs `node -e 0`
// Medians of BENCH_RUNS rounds (default 5), BENCH_SIZE_MB (default 1024) image.
//   node bench/cli.mjs            (npm run bench runs it after bench/run.mjs)
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomFillSync } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VisorClient, authorizationHeader } from '../packages/client/dist/src/index.js';

const SIZE_MB = Number(process.env.BENCH_SIZE_MB ?? 1024);
const SIZE = SIZE_MB * 1024 * 1024;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const STARTS = Number(process.env.BENCH_STARTS ?? 20);
const root = new URL('..', import.meta.url).pathname;
const SERVER = join(root, 'packages/core/dist/src/bin/visor.js');
const VISOR = join(root, 'packages/cli/dist/src/bin/visor.js');
const work = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'visor-bench-cli-'));
const ADMIN = { accessKey: 'bench-admin', secretKey: randomBytes(32).toString('base64') };
const rows = [];
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;
const mb = (rate) => `${(rate / 1e6).toFixed(0)} MB/s`;

function signedHeaders(method, path, headers = {}) {
  const all = { ...headers, 'x-visor-date': new Date().toUTCString() };
  return { ...all, authorization: authorizationHeader(ADMIN.accessKey, ADMIN.secretKey, { method, path, query: '', headers: all }) };
}
const headerArgs = (headers) => Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);

async function makeImage(path) {
  const block = randomFillSync(Buffer.alloc(16 * 1024 * 1024));
  const out = createWriteStream(path);
  for (let written = 0; written < SIZE; written += block.length) {
    block.writeUInt32LE(written / block.length, 0);
    if (!out.write(block.subarray(0, Math.min(block.length, SIZE - written)))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
}

function startServer() {
  const child = spawn(process.execPath, [SERVER], {
    env: { ...process.env, VISOR_PORT: '0', VISOR_DATA_DIR: join(work, 'data'), VISOR_LOG_LEVEL: 'info', VISOR_ADMIN_ACCESS_KEY: ADMIN.accessKey, VISOR_ADMIN_SECRET_KEY: ADMIN.secretKey },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let buffered = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      if (buffered === null) return;
      buffered += chunk;
      const match = /listening on (http:\/\/[^"\s]+)/.exec(buffered);
      if (match) {
        buffered = null;
        resolve({ child, url: match[1] });
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}):\n${buffered}`)));
  });
}

/** Runs a program to its end; resolves with its wall time in seconds. */
function timed(command, args, env = process.env) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(seconds(start)) : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`))));
  });
}

async function main() {
  const file = join(work, 'image.raw');
  console.log(`preparing a ${SIZE_MB} MiB image in ${work} ...`);
  await makeImage(file);
  spawnSync('sync');
  const { child, url } = await startServer();
  const client = new VisorClient({ url, ...ADMIN });
  const env = { ...process.env, HOME: work, VISOR_URL: url, VISOR_ACCESS_KEY: ADMIN.accessKey, VISOR_SECRET_KEY: ADMIN.secretKey };
  const rates = { curlUp: [], visorUp: [], curlDown: [], visorDown: [] };
  try {
    for (let i = 0; i < RUNS; i++) {
      // Alternate who goes first, so neither always meets a warmer page cache.
      const order = i % 2 === 0 ? ['curl', 'visor'] : ['visor', 'curl'];
      for (const who of order) {
        // Register and upload in one request each way: POST /images with the fields as x-image-meta-* headers and the file as the body.
        const name = `${who}-${i}`;
        const meta = { 'x-image-meta-name': name, 'x-image-meta-architecture': 'x86_64', 'x-image-meta-format': 'raw' };
        spawnSync('sync');
        const upSeconds =
          who === 'curl'
            ? await timed('curl', ['-sS', '-f', '-o', '/dev/null', '-T', file, '-X', 'POST', '-H', 'expect:', ...headerArgs(signedHeaders('POST', '/images', { 'content-type': 'application/octet-stream', ...meta })), `${url}/images`])
            : await timed(process.execPath, [VISOR, '--quiet', 'add', `name=${name}`, 'architecture=x86_64', 'format=raw', '--file', file], env);
        const [image] = (await client.list({ name })).images;
        if (image?.size !== SIZE) throw new Error(`${who}'s upload did not store ${SIZE} bytes: ${JSON.stringify(image)}`);
        const path = `/images/${image.id}`;
        rates[who === 'curl' ? 'curlUp' : 'visorUp'].push(SIZE / upSeconds);
        spawnSync('sync');
        const out = join(work, `${who}-download.raw`);
        const downSeconds =
          who === 'curl'
            ? await timed('curl', ['-sS', '-f', '-o', out, ...headerArgs(signedHeaders('GET', path)), `${url}${path}`])
            : await timed(process.execPath, [VISOR, '--quiet', 'get', image.id, '-o', out, '--force'], env);
        rates[who === 'curl' ? 'curlDown' : 'visorDown'].push(SIZE / downSeconds);
        rmSync(out, { force: true });
        await client.delete(image.id);
      }
    }
    const runs = (values) => `runs: ${values.map((r) => (r / 1e6).toFixed(0)).join(', ')} MB/s`;
    const ratio = (a, b) => `${((median(a) / median(b)) * 100).toFixed(0)}% of curl`;
    rows.push([`upload ${SIZE_MB} MiB: curl -T -X POST /images, median of ${RUNS}`, mb(median(rates.curlUp)), runs(rates.curlUp)]);
    rows.push([`upload ${SIZE_MB} MiB: visor add --file (SHA-256 compared)`, mb(median(rates.visorUp)), `${ratio(rates.visorUp, rates.curlUp)}; ${runs(rates.visorUp)}`]);
    rows.push([`download ${SIZE_MB} MiB to a file: curl -o, median of ${RUNS}`, mb(median(rates.curlDown)), runs(rates.curlDown)]);
    rows.push([`download ${SIZE_MB} MiB to a file: visor get (digests verified)`, mb(median(rates.visorDown)), `${ratio(rates.visorDown, rates.curlDown)}; ${runs(rates.visorDown)}`]);

    await client.register({ name: 'listed', architecture: 'x86_64' });
    const bare = [];
    const list = [];
    for (let i = 0; i < STARTS; i++) {
      bare.push(await timed(process.execPath, ['-e', '0']));
      list.push(await timed(process.execPath, [VISOR, 'list', '--json'], env));
    }
    rows.push([`start-up: node -e 0, median of ${STARTS}`, `${(median(bare) * 1000).toFixed(0)} ms`, '']);
    rows.push([`start-up: visor list --json (one signed request), median of ${STARTS}`, `${(median(list) * 1000).toFixed(0)} ms`, `${(median(list) / median(bare)).toFixed(2)}× node -e 0 (target ≤ 3×)`]);
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => r[i].length)));
  console.log(`\nvisor CLI benchmark — ${new Date().toISOString()}, node ${process.version}, ${SIZE_MB} MiB image`);
  for (const row of rows) console.log(`  ${row[0].padEnd(widths[0])}  ${row[1].padStart(widths[1])}  ${row[2]}`);
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => rmSync(work, { recursive: true, force: true }));
