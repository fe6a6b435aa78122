#!/usr/bin/env node
// Benchmark of the visor command line (not part of the tests), against curl in the same run:
//   - `visor add k=v --file` (POST register and upload; SHA-256 computed while sending and sent as a
//     trailer, which the server checks before storing) vs `curl -T -X POST` (no digest)
//   - `visor get ID -o FILE` (download to disk, SHA-256 verified) vs `curl -o FILE`
//   - start-up: `visor list --json` against a running server vs `node -e 0`
// Medians of BENCH_RUNS rounds (default 5), BENCH_SIZE_MB (default 1024) image. Beside each rate:
// the CPU seconds per GiB of the client (user + system, all its threads, from GNU time when
// /usr/bin/time exists) and of the server (from /proc), since client and server share the cores.
//   node bench/cli.mjs            (npm run bench runs it after bench/run.mjs)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VisorClient } from '../packages/client/dist/src/index.js';
import { ADMIN, headerArgs, makeImage, processCpuSeconds, signed, startVisor } from './lib.mjs';

const SIZE_MB = Number(process.env.BENCH_SIZE_MB ?? 1024);
const SIZE = SIZE_MB * 1024 * 1024;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const STARTS = Number(process.env.BENCH_STARTS ?? 20);
const root = new URL('..', import.meta.url).pathname;
const VISOR = join(root, 'packages/cli/dist/src/bin/visor.js');
const work = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'visor-bench-cli-'));
const rows = [];
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;
const mb = (rate) => `${(rate / 1e6).toFixed(0)} MB/s`;
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
/**
 * Runs a program to its end; resolves with its wall time in seconds, and with `cpu: true` also
 * its CPU seconds (user + system, every thread; GNU time's last line of standard error).
 */
function timed(command, args, env = process.env, options = {}) {
  const measured = options.cpu && GNU_TIME !== undefined;
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = measured
      ? spawn(GNU_TIME, ['-f', 'cpu %U %S', command, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env })
      : spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.once('error', reject);
    child.once('exit', (code) => {
      const wall = seconds(start);
      if (code !== 0) return reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`));
      if (!options.cpu) return resolve(wall);
      const line = /cpu (\S+) (\S+)\s*$/.exec(stderr);
      resolve({ wall, cpu: line ? Number(line[1]) + Number(line[2]) : NaN });
    });
  });
}

/** Runs a transfer; resolves with its rate and the CPU seconds per GiB of the client and of the server. */
async function transfer(server, command, args, env) {
  const before = processCpuSeconds(server.pid);
  const { wall, cpu } = await timed(command, args, env, { cpu: true });
  const gib = SIZE / 2 ** 30;
  return { rate: SIZE / wall, client: cpu / gib, server: (processCpuSeconds(server.pid) - before) / gib };
}

async function main() {
  const file = join(work, 'image.raw');
  console.log(`preparing a ${SIZE_MB} MiB image in ${work} ...`);
  await makeImage(file, SIZE);
  spawnSync('sync');
  const { child, url } = await startVisor({ config: {}, name: 'cli', work });
  const client = new VisorClient({ url, ...ADMIN });
  const env = { ...process.env, HOME: work, VISOR_URL: url, VISOR_ACCESS_KEY: ADMIN.accessKey, VISOR_SECRET_KEY: ADMIN.secretKey };
  const results = { curlUp: [], visorUp: [], curlDown: [], visorDown: [] };
  const loadBefore = loadAverage();
  try {
    for (let i = 0; i < RUNS; i++) {
      // Alternate who goes first, so neither always meets a warmer page cache.
      const order = i % 2 === 0 ? ['curl', 'visor'] : ['visor', 'curl'];
      for (const who of order) {
        // Register and upload in one request each way: POST /images with the fields as x-image-meta-* headers and the file as the body.
        const name = `${who}-${i}`;
        const meta = { 'x-image-meta-name': name, 'x-image-meta-architecture': 'x86_64', 'x-image-meta-format': 'raw' };
        spawnSync('sync');
        const up =
          who === 'curl'
            ? await transfer(child, 'curl', ['-sS', '-f', '-o', '/dev/null', '-T', file, '-X', 'POST', '-H', 'expect:', ...headerArgs(signed('POST', '/images', { 'content-type': 'application/octet-stream', ...meta })), `${url}/images`])
            : await transfer(child, process.execPath, [VISOR, '--quiet', 'add', `name=${name}`, 'architecture=x86_64', 'format=raw', '--file', file], env);
        const [image] = (await client.list({ name })).images;
        if (image?.size !== SIZE) throw new Error(`${who}'s upload did not store ${SIZE} bytes: ${JSON.stringify(image)}`);
        const path = `/images/${image.id}`;
        results[who === 'curl' ? 'curlUp' : 'visorUp'].push(up);
        spawnSync('sync');
        const out = join(work, `${who}-download.raw`);
        const down =
          who === 'curl'
            ? await transfer(child, 'curl', ['-sS', '-f', '-o', out, ...headerArgs(signed('GET', path)), `${url}${path}`])
            : await transfer(child, process.execPath, [VISOR, '--quiet', 'get', image.id, '-o', out, '--force'], env);
        results[who === 'curl' ? 'curlDown' : 'visorDown'].push(down);
        rmSync(out, { force: true });
        await client.delete(image.id);
      }
    }
    const rates = (runs) => runs.map((r) => r.rate);
    const cpu = (runs) => `CPU/GiB client ${median(runs.map((r) => r.client)).toFixed(2)} s, server ${median(runs.map((r) => r.server)).toFixed(2)} s`;
    const listed = (runs) => `runs: ${runs.map((r) => (r.rate / 1e6).toFixed(0)).join(', ')} MB/s`;
    const ratio = (a, b) => `${((median(rates(a)) / median(rates(b))) * 100).toFixed(0)}% of curl`;
    rows.push([`upload ${SIZE_MB} MiB: curl -T -X POST /images, median of ${RUNS}`, mb(median(rates(results.curlUp))), `${cpu(results.curlUp)}; ${listed(results.curlUp)}`]);
    rows.push([`upload ${SIZE_MB} MiB: visor add --file (SHA-256 trailer, checked by the server)`, mb(median(rates(results.visorUp))), `${ratio(results.visorUp, results.curlUp)}; ${cpu(results.visorUp)}; ${listed(results.visorUp)}`]);
    rows.push([`download ${SIZE_MB} MiB to a file: curl -o, median of ${RUNS}`, mb(median(rates(results.curlDown))), `${cpu(results.curlDown)}; ${listed(results.curlDown)}`]);
    rows.push([`download ${SIZE_MB} MiB to a file: visor get (SHA-256 verified)`, mb(median(rates(results.visorDown))), `${ratio(results.visorDown, results.curlDown)}; ${cpu(results.visorDown)}; ${listed(results.visorDown)}`]);
    rows.push([`load average (1, 5, 15 min) before and after the transfers`, '', `${loadBefore} / ${loadAverage()}`]);

    await client.register({ name: 'listed', architecture: 'x86_64' });
    const bare = [];
    const list = [];
    for (let i = 0; i < STARTS; i++) {
      bare.push(await timed(process.execPath, ['-e', '0']));
      list.push(await timed(process.execPath, [VISOR, 'list', '--json'], env));
    }
    rows.push([`start-up: node -e 0, median of ${STARTS}`, `${(median(bare) * 1000).toFixed(0)} ms`, '']);
    rows.push([`start-up: visor list --json (one signed request), median of ${STARTS}`, `${(median(list) * 1000).toFixed(0)} ms`, `${(median(list) / median(bare)).toFixed(2)}× node -e 0 (target ≤ 3×)`]);
    rows.push([`load average (1, 5, 15 min) after the start-ups`, '', loadAverage()]);
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
