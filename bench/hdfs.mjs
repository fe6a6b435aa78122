#!/usr/bin/env node
// HDFS benchmark (not part of the tests): 1 GiB uploads and downloads through Visor's hdfs backend to the
// WebHDFS emulator, beside the same transfers straight to the emulator with curl (two-step CREATE, OPEN
// following the redirect), and through Visor to a local fs store, in the same run; ratios and the Visor
// server's peak RSS growth during the hdfs transfers.
// The emulator runs in its own process and writes to disk, as a datanode would.
//   npm run bench:hdfs                 # 1 GiB, median of 3 rounds
//   BENCH_SIZE_MB=256 BENCH_RUNS=1 npm run bench:hdfs
import { spawn, spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { makeImage, memory, processCpuSeconds, resetPeak } from './lib.mjs';

const SIZE_MB = Number(process.env.BENCH_SIZE_MB ?? 1024);
const SIZE = SIZE_MB * 1024 * 1024;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const root = new URL('..', import.meta.url).pathname;
const work = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'visor-bench-hdfs-'));
const USER = 'hdfs'; // the emulator's superuser: the benchmark needs no provisioning step
const rows = [];
const children = [];

const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mbps = (rate) => `${(rate / 1e6).toFixed(0)} MB/s`;

const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
let timeFiles = 0;

/** Runs a command to its end; resolves to its standard output. curl's CPU seconds are added to `curlCpu` (GNU time, when installed). */
function run(command, args) {
  return new Promise((resolve, reject) => {
    const timeFile = GNU_TIME && command === 'curl' ? join(work, `curl-${timeFiles++}.time`) : undefined;
    const child = timeFile
      ? spawn(GNU_TIME, ['-f', '%U %S', '-o', timeFile, command, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    if (timeFile) {
      child.once('exit', () => {
        try {
          curlCpu += readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number).reduce((a, b) => a + b, 0);
        } catch {
          // no figure: curl's CPU is left out
        }
      });
    }
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}${stdout.slice(0, 2000)}`))));
  });
}

/** Starts a child and resolves once `ready` matches a line of `stream`; the child is stopped at the end. */
function startChild(args, env, stream, ready) {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const other = stream === 'stdout' ? child.stderr : child.stdout;
  other.resume();
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child[stream] });
    lines.on('line', (line) => {
      const match = ready.exec(line);
      if (match) resolve({ child, match });
    });
    child.once('exit', (code) => reject(new Error(`${args[0]} exited (${code}) before it was ready`)));
  });
}

async function timed(fn) {
  const start = process.hrtime.bigint();
  await fn();
  return SIZE / seconds(start);
}

/** CPU seconds of curl (GNU time), the emulator and Visor during `fn`, per GiB moved: [curl, emulator, visor]. */
const cpu = { direct: [], visor: [], directDown: [], visorDown: [] };
async function withCpu(into, pids, fn) {
  const before = pids.map(processCpuSeconds);
  curlCpu = 0;
  const rate = await fn();
  const gib = SIZE / 2 ** 30;
  into.push([curlCpu / gib, ...pids.map((pid, i) => (processCpuSeconds(pid) - before[i]) / gib)]);
  return rate;
}
let curlCpu = 0;

/** Straight to the emulator: step one without data, step two with the file (curl -T, no Expect round trip). */
async function directUpload(namenode, file, path) {
  const location = await run('curl', ['-sS', '-f', '-X', 'PUT', '-o', '/dev/null', '-w', '%{redirect_url}', `${namenode}/webhdfs/v1${path}?op=CREATE&overwrite=true&user.name=${USER}`]);
  if (!location.startsWith('http')) throw new Error(`CREATE step one gave no redirect: ${location}`);
  await run('curl', ['-sS', '-f', '-o', '/dev/null', '-T', file, '-X', 'PUT', '-H', 'expect:', '-H', 'content-type: application/octet-stream', location]);
}

function directDownload(namenode, path) {
  return run('curl', ['-sS', '-f', '-L', '-o', '/dev/null', `${namenode}/webhdfs/v1${path}?op=OPEN&user.name=${USER}`]);
}

async function visorCall(url, method, path, body) {
  const response = await fetch(`${url}${path}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  const text = await response.text();
  if (response.status >= 400) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function main() {
  const file = join(work, 'image.raw');
  console.log(`preparing a ${SIZE_MB} MiB image in ${work} ...`);
  await makeImage(file, SIZE);
  spawnSync('sync');

  const emulatorBin = join(root, 'packages/webhdfs-emulator/dist/src/bin/webhdfs-emulator.js');
  const emulator = await startChild([emulatorBin, '--data-dir', join(work, 'datanode')], {}, 'stdout', /^(\{.*\})$/);
  const { match } = emulator;
  const { namenode } = JSON.parse(match[1]);

  const config = join(work, 'visor.config.json');
  // A second store on the local disk measures Visor's own ceiling under the machine's load of the moment.
  const stores = { default: { backend: 'hdfs', options: { namenodes: namenode, directory: '/visor/images', user: USER } }, local: { backend: 'fs' } };
  writeFileSync(config, JSON.stringify({ plugins: [], stores }));
  const server = await startChild([join(root, 'packages/core/dist/src/bin/visor.js')], {
    VISOR_PORT: '0',
    VISOR_DATA_DIR: join(work, 'visor-data'),
    VISOR_CONFIG: config,
    VISOR_LOG_LEVEL: 'info',
  }, 'stderr', /listening on (http:\/\/[^"\s]+)/);
  const url = server.match[1];
  const pid = server.child.pid;

  // A small warm-up upload starts the digest worker threads, a one-time cost.
  const warm = (await visorCall(url, 'POST', '/images', { image: { name: 'warm-up', architecture: 'x86_64' } })).image;
  await fetch(`${url}/images/${warm.id}`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: randomFillSync(Buffer.alloc(16 * 1024 * 1024)) }).then((r) => r.text());
  const baseline = memory(pid).rss;

  const direct = { up: [], down: [] };
  const visor = { up: [], down: [] };
  const local = { up: [], down: [] };
  let uploadPeak = 0;
  let downloadPeak = 0;
  /** Uploads and downloads the file through Visor to `store`; adds the rates to `into`, the peaks to the totals for hdfs. */
  async function throughVisor(store, into, i) {
    const image = (await visorCall(url, 'POST', '/images', { image: { name: `bench-${store}-${i}`, architecture: 'x86_64', format: 'raw', store } })).image;
    spawnSync('sync');
    resetPeak(pid);
    const upload = () => timed(() => run('curl', ['-sS', '--fail-with-body', '-o', '-', '-T', file, '-X', 'PUT', '-H', 'expect:', '-H', 'content-type: application/octet-stream', `${url}/images/${image.id}`]));
    into.up.push(store === 'default' ? await withCpu(cpu.visor, [emulator.child.pid, pid], upload) : await upload());
    if (store === 'default') uploadPeak = Math.max(uploadPeak, memory(pid).peak - baseline);
    spawnSync('sync');
    resetPeak(pid);
    const download = () => timed(() => run('curl', ['-sS', '-f', '-o', '/dev/null', `${url}/images/${image.id}`]));
    into.down.push(store === 'default' ? await withCpu(cpu.visorDown, [emulator.child.pid, pid], download) : await download());
    if (store === 'default') downloadPeak = Math.max(downloadPeak, memory(pid).peak - baseline);
    await visorCall(url, 'DELETE', `/images/${image.id}`);
  }
  for (let i = 0; i < RUNS; i++) {
    const path = `/bench/direct-${i}`;
    spawnSync('sync');
    direct.up.push(await withCpu(cpu.direct, [emulator.child.pid], () => timed(() => directUpload(namenode, file, path))));
    spawnSync('sync');
    direct.down.push(await withCpu(cpu.directDown, [emulator.child.pid], () => timed(() => directDownload(namenode, path))));
    await fetch(`${namenode}/webhdfs/v1${path}?op=DELETE&user.name=${USER}`, { method: 'DELETE' }).then((r) => r.text());

    await throughVisor('default', visor, i);
    await throughVisor('local', local, i);
  }

  const runsOf = (rates) => `runs: ${rates.map((r) => (r / 1e6).toFixed(0)).join(', ')} MB/s`;
  rows.push([`upload ${SIZE_MB} MiB straight to the emulator (curl, two-step CREATE)`, mbps(median(direct.up)), runsOf(direct.up)]);
  rows.push([`upload ${SIZE_MB} MiB through Visor (curl -T, MD5+SHA-256)`, mbps(median(visor.up)), runsOf(visor.up)]);
  rows.push(['  Visor / direct upload', `${((median(visor.up) / median(direct.up)) * 100).toFixed(0)}%`, 'target >= 80%']);
  const med = (list, i) => median(list.map((r) => r[i]));
  const directCpu = [med(cpu.direct, 0), med(cpu.direct, 1)];
  const visorCpu = [med(cpu.visor, 0), med(cpu.visor, 1), med(cpu.visor, 2)];
  const sum = (list) => list.reduce((a, b) => a + b, 0);
  const cores = availableParallelism();
  rows.push([
    '  CPU s per GiB uploaded, straight / through Visor',
    `${sum(directCpu).toFixed(2)} / ${sum(visorCpu).toFixed(2)}`,
    `straight: curl ${directCpu[0].toFixed(2)} + emulator ${directCpu[1].toFixed(2)}; through Visor: curl ${visorCpu[0].toFixed(2)} + emulator ${visorCpu[1].toFixed(2)} + Visor ${visorCpu[2].toFixed(2)} (MD5 and SHA-256 alone take about 2.6); on ${cores} cores the CPU alone caps the upload through Visor at ${mbps((cores * 2 ** 30) / sum(visorCpu))} (straight: ${mbps((cores * 2 ** 30) / sum(directCpu))})`,
  ]);
  rows.push([`upload ${SIZE_MB} MiB through Visor to its fs store (reference)`, mbps(median(local.up)), runsOf(local.up)]);
  rows.push(['  Visor hdfs / Visor fs upload', `${((median(visor.up) / median(local.up)) * 100).toFixed(0)}%`, 'what the hdfs backend costs beyond Visor itself']);
  rows.push([`download ${SIZE_MB} MiB straight from the emulator (curl -L, OPEN)`, mbps(median(direct.down)), runsOf(direct.down)]);
  rows.push([`download ${SIZE_MB} MiB through Visor (curl)`, mbps(median(visor.down)), runsOf(visor.down)]);
  rows.push(['  Visor / direct download', `${((median(visor.down) / median(direct.down)) * 100).toFixed(0)}%`, 'target >= 80%']);
  const directDownCpu = [med(cpu.directDown, 0), med(cpu.directDown, 1)];
  const visorDownCpu = [med(cpu.visorDown, 0), med(cpu.visorDown, 1), med(cpu.visorDown, 2)];
  rows.push([
    '  CPU s per GiB downloaded, straight / through Visor',
    `${sum(directDownCpu).toFixed(2)} / ${sum(visorDownCpu).toFixed(2)}`,
    `straight: curl ${directDownCpu[0].toFixed(2)} + emulator ${directDownCpu[1].toFixed(2)}; through Visor: curl ${visorDownCpu[0].toFixed(2)} + emulator ${visorDownCpu[1].toFixed(2)} + Visor ${visorDownCpu[2].toFixed(2)}; on ${cores} cores the CPU alone caps the download through Visor at ${mbps((cores * 2 ** 30) / sum(visorDownCpu))} (straight: ${mbps((cores * 2 ** 30) / sum(directDownCpu))})`,
  ]);
  rows.push([`download ${SIZE_MB} MiB through Visor from its fs store (reference)`, mbps(median(local.down)), runsOf(local.down)]);
  rows.push(['  Visor hdfs / Visor fs download', `${((median(visor.down) / median(local.down)) * 100).toFixed(0)}%`, '']);
  rows.push(['Visor server peak RSS growth during uploads / downloads', `+${(uploadPeak / 1048576).toFixed(1)} MiB`, `+${(downloadPeak / 1048576).toFixed(1)} MiB (after a 16 MiB warm-up upload)`]);

  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => r[i].length)));
  console.log(`\nVisor HDFS benchmark — ${new Date().toISOString()}, node ${process.version}, ${SIZE_MB} MiB image, median of ${RUNS}, emulated WebHDFS`);
  for (const row of rows) console.log(`  ${row[0].padEnd(widths[0])}  ${row[1].padStart(widths[1])}  ${row[2]}`);
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const child of children.reverse()) {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    }
    rmSync(work, { recursive: true, force: true });
  });
