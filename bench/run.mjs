#!/usr/bin/env node
// Visor benchmark (not part of the tests): 1 GiB uploads and downloads over loopback through
// the fs backend (median of BENCH_RUNS rounds, default 5: this machine's figures vary by
// ±15% from run to run), with cat/cp of the same file as references, the server's peak
// memory growth, and median latencies of metadata GET, create and list-1000.
// Also: single-core MD5/SHA-256 of the same bytes (node -e) as the upload's reference, PUT and
// register-and-upload POST, and where an upload's CPU time goes per thread (bench/upload-profile.mjs),
// alone and beside a CPU-bound process. Every figure is printed with the load average. Then the S3
// backend against an OpenStack Swift all-in-one beside direct transfers (bench/s3.mjs,
// BENCH_S3_RUNS rounds, default 3; BENCH_S3=0 skips it, BENCH_ONLY=s3 runs it alone).
//   npm run bench                 # 1 GiB
//   BENCH_SIZE_MB=4096 npm run bench
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { headerArgs, loadAverage, makeImage as writeImage, memory, resetPeak, run, signed, startVisor, stop, warmUpUploads } from './lib.mjs';
import { s3Rows } from './s3.mjs';

const SIZE_MB = Number(process.env.BENCH_SIZE_MB ?? 1024);
const SIZE = SIZE_MB * 1024 * 1024;
const root = new URL('..', import.meta.url).pathname;
const work = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'visor-bench-'));
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const rows = [];
const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;
const mbps = (bytes, s) => `${(bytes / s / 1e6).toFixed(0)} MB/s`;

const makeImage = (path) => writeImage(path, SIZE);

function call(method, url, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const { pathname, search } = new URL(url);
    const plain = body ? { 'content-type': 'application/json', ...headers } : headers;
    const req = http.request(url, { method, agent, headers: signed(method, `${pathname}${search}`, plain) }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

/**
 * A minimal keep-alive HTTP/1.1 client on one raw socket, so latency figures
 * measure the server rather than Node's http client (which adds ~0.2 ms a call).
 */
async function rawConnection(base) {
  const { hostname, port } = new URL(base);
  const socket = net.connect(Number(port), hostname);
  socket.setNoDelay(true);
  await once(socket, 'connect');
  let buffer = Buffer.alloc(0);
  let waiting = null;
  const tryComplete = () => {
    if (!waiting) return;
    const end = buffer.indexOf('\r\n\r\n');
    if (end === -1) return;
    const head = buffer.subarray(0, end).toString('latin1');
    const length = waiting.head ? 0 : Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
    if (buffer.length < end + 4 + length) return;
    const status = Number(head.slice(9, 12));
    const body = buffer.subarray(end + 4, end + 4 + length).toString();
    buffer = buffer.subarray(end + 4 + length);
    const { resolve } = waiting;
    waiting = null;
    resolve({ status, body });
  };
  socket.on('data', (chunk) => {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    tryComplete();
  });
  return {
    call(method, path, body, headers = {}) {
      const payload = body === undefined ? '' : JSON.stringify(body);
      const lines = [`${method} ${path} HTTP/1.1`, `host: ${hostname}:${port}`, 'connection: keep-alive'];
      const plain = body === undefined ? headers : { ...headers, 'content-type': 'application/json' };
      for (const [k, v] of Object.entries(signed(method, path, plain))) lines.push(`${k}: ${v}`);
      if (body !== undefined) lines.push(`content-length: ${Buffer.byteLength(payload)}`);
      return new Promise((resolve) => {
        waiting = { resolve, head: method === 'HEAD' };
        socket.write(`${lines.join('\r\n')}\r\n\r\n${payload}`);
      });
    },
    close: () => socket.destroy(),
  };
}

async function latency(label, n, fn) {
  const samples = [];
  for (let i = 0; i < Math.min(50, n); i++) await fn(i); // warm-up
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    const result = await fn(i);
    if (result.status >= 400) throw new Error(`${label}: status ${result.status}: ${result.body}`);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const p = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))].toFixed(3);
  rows.push([label, `median ${p(0.5)} ms`, `p90 ${p(0.9)} ms, p99 ${p(0.99)} ms (n=${n})`]);
}

function timeCommand(label, command, args, bytes) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error(`${command} failed`);
  const s = seconds(start);
  rows.push([label, mbps(bytes, s), `${s.toFixed(2)} s`]);
}

const startServer = (config, name) => startVisor({ config, name, work });

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** Median upload rates (bytes/s) of the default server, compared with the MD5 reference at the end. */
const uploadRates = {};

/**
 * Single-core digest speed of the same bytes, in a separate `node -e`: the file is read into memory
 * first and only the hashing is timed (best of 3). MD5 cannot be split across cores, so this is the
 * physical floor of an upload's work. Resolves to bytes/s by algorithm.
 */
function digestReference(file) {
  const script = `
    const { createHash } = require('node:crypto');
    const bytes = require('node:fs').readFileSync(process.argv[1]);
    const out = {};
    for (const algorithm of ['md5', 'sha256']) {
      let best = Infinity;
      for (let i = 0; i < 3; i++) {
        const start = process.hrtime.bigint();
        const hash = createHash(algorithm);
        for (let at = 0; at < bytes.length; at += 1 << 20) hash.update(bytes.subarray(at, at + (1 << 20)));
        hash.digest();
        best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
      }
      out[algorithm] = bytes.length / best;
    }
    console.log(JSON.stringify(out));`;
  const result = spawnSync(process.execPath, ['-e', script, file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (result.status !== 0) throw new Error(`digest reference failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}


/** bench/upload-profile.mjs in a child process: CPU seconds per server thread for one PUT and one POST. */
function profileUploads(file, compete) {
  const result = spawnSync(process.execPath, [join(root, 'bench/upload-profile.mjs'), file, ...(compete ? ['--compete'] : [])], {
    encoding: 'utf8',
    env: { ...process.env, BENCH_DIR: work },
    maxBuffer: 1 << 20,
  });
  if (result.status !== 0) throw new Error(`upload profile failed: ${result.stderr}`);
  for (const line of result.stdout.trim().split('\n')) {
    const p = JSON.parse(line);
    const t = p.threads;
    rows.push([
      `upload profile ${p.label}, no plugins${compete ? ', beside a CPU-bound process' : ''} (CPU s per thread)`,
      `${p.mbps} MB/s`,
      `main ${t.main} (GC pauses ${(t.gcMs / 1000).toFixed(2)}), md5 ${t.md5}, sha256 ${t.sha256}, libuv ${t.libuv}, v8 platform ${t.v8}, other ${t.other}; curl ${p.curl}; wall ${p.seconds} s`,
    ]);
  }
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * RUNS rounds of: register an image, upload the file with curl, download it
 * with curl, delete it (so no round inherits the last one's dirty page cache).
 * Adds median and every run's figure; resolves to the server's peak RSS growth.
 */

/** Uploads `file` to image `target` with curl, signed (no Expect: 100-continue round trip). */
function curlUpload(url, target, file) {
  const headers = signed('PUT', target, { 'content-type': 'application/octet-stream' });
  return run('curl', ['-sS', '-f', '-o', '/dev/null', '-T', file, '-X', 'PUT', '-H', 'expect:', ...headerArgs(headers), `${url}${target}`]);
}

/** Registers an image and uploads `file` to it in one signed POST (the x-image-meta form); resolves to the image id. */
async function curlRegisterUpload(url, file, name) {
  const plain = { 'content-type': 'application/octet-stream', 'x-image-meta-name': name, 'x-image-meta-architecture': 'x86_64' };
  const out = join(work, 'post-answer.json');
  await run('curl', ['-sS', '-f', '-o', out, '-T', file, '-X', 'POST', '-H', 'expect:', ...headerArgs(signed('POST', '/images', plain)), `${url}/images`]);
  return JSON.parse(readFileSync(out, 'utf8')).image.id;
}

async function transfers(url, file, pid, baseline) {
  const up = [];
  const post = [];
  const down = [];
  let uploadPeak = 0;
  let downloadPeak = 0;
  for (let i = 0; i < RUNS; i++) {
    const image = JSON.parse((await call('POST', `${url}/images`, { image: { name: `transfer-${i}`, architecture: 'x86_64', format: 'raw' } })).body).image;
    const target = `/images/${image.id}`;
    spawnSync('sync'); // no round pays for writing back an earlier step's files
    resetPeak(pid);
    let start = process.hrtime.bigint();
    await curlUpload(url, target, file);
    up.push(SIZE / seconds(start));
    uploadPeak = Math.max(uploadPeak, memory(pid).peak - baseline);
    // An image is stored before it is served: its write-back does not run during the download.
    spawnSync('sync');
    resetPeak(pid);
    start = process.hrtime.bigint();
    await run('curl', ['-sS', '-f', '-o', '/dev/null', ...headerArgs(signed('GET', target)), `${url}${target}`]);
    down.push(SIZE / seconds(start));
    downloadPeak = Math.max(downloadPeak, memory(pid).peak - baseline);
    await call('DELETE', `${url}${target}`);
    spawnSync('sync');
    start = process.hrtime.bigint();
    const posted = await curlRegisterUpload(url, file, `post-${i}`);
    post.push(SIZE / seconds(start));
    await call('DELETE', `${url}/images/${posted}`);
  }
  const figures = (rates) => `runs: ${rates.map((r) => (r / 1e6).toFixed(0)).join(', ')} MB/s`;
  rows.push([`upload ${SIZE_MB} MiB (curl -T, MD5+SHA-256), median of ${RUNS}`, mbps(median(up), 1), figures(up)]);
  rows.push([`register-and-upload POST ${SIZE_MB} MiB (curl -T), median of ${RUNS}`, mbps(median(post), 1), figures(post)]);
  uploadRates.put = median(up);
  uploadRates.post = median(post);
  rows.push([`download ${SIZE_MB} MiB (curl), median of ${RUNS}`, mbps(median(down), 1), figures(down)]);
  return { upload: uploadPeak / 1048576, download: downloadPeak / 1048576 };
}

async function metadataLatencies(url, image, label) {
  const raw = await rawConnection(url);
  try {
    await latency(`metadata GET /images/:id/meta [${label}]`, 3000, () => raw.call('GET', `/images/${image.id}/meta`));
    await latency(`HEAD /images/:id [${label}]`, 3000, () => raw.call('HEAD', `/images/${image.id}`));
    await latency(`create POST /images (JSON) [${label}]`, 1000, (i) => raw.call('POST', '/images', { image: { name: `image-${i}`, architecture: 'x86_64', distro: 'debian' } }));
    await latency(`list GET /images?limit=1000 [${label}]`, 100, () => raw.call('GET', '/images?limit=1000'));
    return raw;
  } catch (error) {
    raw.close();
    throw error;
  }
}

/**
 * The cost of auth+tracking measured fairly on a shared machine: both servers run at once and
 * take turns, 20 rounds of 150 GETs and 50 creates each, so a change of load hits both alike.
 */
async function interleavedPluginCost() {
  const servers = [];
  try {
    for (const [config, label] of [[{}, 'auth+tracking'], [{ plugins: [] }, 'no plugins']]) {
      const server = await startServer(config, `cost-${label.replace(/\W+/g, '-')}`);
      const image = JSON.parse((await call('POST', `${server.url}/images`, { image: { name: 'bench', architecture: 'x86_64' } })).body).image;
      servers.push({ ...server, label, image, raw: await rawConnection(server.url), get: [], create: [] });
    }
    const timed = async (samples, n, fn) => {
      for (let i = 0; i < n; i++) {
        const start = process.hrtime.bigint();
        const result = await fn(i);
        if (result.status >= 400) throw new Error(`status ${result.status}: ${result.body}`);
        samples.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
    };
    for (let round = 0; round < 21; round++) {
      for (const s of round % 2 ? servers : [...servers].reverse()) {
        const get = round === 0 ? [] : s.get; // round 0 warms up
        const create = round === 0 ? [] : s.create;
        await timed(get, 150, () => s.raw.call('GET', `/images/${s.image.id}/meta`));
        await timed(create, 50, (i) => s.raw.call('POST', '/images', { image: { name: `cost-${round}-${i}`, architecture: 'x86_64' } }));
      }
    }
    const med = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    for (const [what, key] of [['metadata GET /images/:id/meta', 'get'], ['create POST /images (JSON)', 'create']]) {
      const [plugins, none] = servers.map((s) => med(s[key]));
      const cost = (plugins / none - 1) * 100;
      rows.push([`${what}: auth+tracking over no plugins, interleaved (target ≤ 15%)`, `${cost >= 0 ? '+' : ''}${cost.toFixed(0)}%`, `${plugins.toFixed(3)} vs ${none.toFixed(3)} ms (medians of ${servers[0][key].length}); load average ${loadAverage()}`]);
    }
  } finally {
    for (const s of servers) {
      s.raw.close();
      await stop(s.child);
    }
  }
}

async function main() {
  const file = join(work, 'image.raw');
  console.log(`preparing a ${SIZE_MB} MiB image in ${work} ...`);
  await makeImage(file);
  spawnSync('sync'); // write the new image out now, not during the measurements
  spawnSync('cat', [file], { stdio: ['ignore', 'ignore', 'inherit'] }); // warm the page cache

  timeCommand(`cat ${SIZE_MB} MiB > /dev/null (reference)`, 'sh', ['-c', `cat '${file}' > /dev/null`], SIZE);
  timeCommand(`cp ${SIZE_MB} MiB (reference)`, 'cp', [file, join(work, 'copy.raw')], SIZE);
  rmSync(join(work, 'copy.raw'));
  const digestSpeed = digestReference(file);
  rows.push([`MD5 / SHA-256 of the same bytes, one core (node -e, reference)`, mbps(digestSpeed.md5, 1), `SHA-256 ${mbps(digestSpeed.sha256, 1)}; load average ${loadAverage()}`]);
  if (process.env.BENCH_ONLY === 's3') {
    await s3Section(file);
    return printRows();
  }

  // The default configuration: auth and tracking on.
  const { child, url } = await startServer({}, 'default');
  try {
    const image = JSON.parse((await call('POST', `${url}/images`, { image: { name: 'bench', architecture: 'x86_64', format: 'raw' } })).body).image;
    const cold = memory(child.pid);
    await warmUpUploads(url); // starts the digest worker threads: a one-time cost, reported apart
    const before = memory(child.pid);
    rows.push(['server RSS at start / after the warm-up upload', `${(cold.rss / 1048576).toFixed(0)} MiB`, `${(before.rss / 1048576).toFixed(0)} MiB (digest worker threads started)`]);
    const peaks = await transfers(url, file, child.pid, before.rss);
    rows.push(['server peak RSS growth during the uploads / downloads', `+${peaks.upload.toFixed(1)} MiB`, `+${peaks.download.toFixed(1)} MiB (after the warm-up)`]);

    const target = `/images/${image.id}`;
    await curlUpload(url, target, file);
    const start = process.hrtime.bigint();
    let received = 0;
    await new Promise((resolve, reject) => {
      http.get(`${url}${target}`, { agent, headers: signed('GET', target) }, (res) => {
        res.on('data', (c) => (received += c.length));
        res.on('end', resolve);
        res.on('error', reject);
      });
    });
    const s = seconds(start);
    if (received !== SIZE) throw new Error(`downloaded ${received} of ${SIZE} bytes`);
    rows.push([`download ${SIZE_MB} MiB (node http client)`, mbps(SIZE, s), `${s.toFixed(2)} s`]);

    const raw = await metadataLatencies(url, image, 'auth+tracking');
    await latency('list GET /images/detail?limit=1000 [auth+tracking]', 50, () => raw.call('GET', '/images/detail?limit=1000'));
    await latency('filter GET /images?distro=debian&limit=10 [auth+tracking]', 500, () => raw.call('GET', '/images?distro=debian&limit=10'));
    await latency('list GET /images?limit=1000 as XML [auth+tracking]', 50, () => raw.call('GET', '/images?limit=1000', undefined, { accept: 'application/xml' }));
    raw.close();
  } finally {
    await stop(child);
  }

  // The same metadata calls without tracking, and without either plugin: their cost is the difference.
  for (const [config, label] of [[{ plugins: ['auth'] }, 'auth only'], [{ plugins: [] }, 'no plugins']]) {
    const server = await startServer(config, label.replace(/\W+/g, '-'));
    try {
      const image = JSON.parse((await call('POST', `${server.url}/images`, { image: { name: 'bench', architecture: 'x86_64' } })).body).image;
      (await metadataLatencies(server.url, image, label)).close();
    } finally {
      await stop(server.child);
    }
  }
  agent.destroy();

  profileUploads(file, false);
  profileUploads(file, true);
  const md5Again = digestReference(file).md5;
  const md5 = Math.max(digestSpeed.md5, md5Again);
  rows.push([`MD5 reference again, after the uploads (node -e)`, mbps(md5Again, 1), `load average ${loadAverage()}`]);
  for (const [label, rate] of [['PUT', uploadRates.put], ['POST', uploadRates.post]]) {
    rows.push([`upload ${label} / single-core MD5 (target ≥ 70%)`, `${((rate / md5) * 100).toFixed(0)}%`, `${mbps(rate, 1)} vs MD5 ${mbps(md5, 1)} (the faster of the two references)`]);
  }
  for (const what of ['metadata GET /images/:id/meta', 'create POST /images (JSON)']) {
    const ms = (label) => Number(/median ([\d.]+) ms/.exec(rows.find((r) => r[0] === `${what} [${label}]`)[1])[1]);
    const cost = (ms('auth+tracking') / ms('no plugins') - 1) * 100;
    rows.push([`${what}: auth+tracking over no plugins, runs above`, `${cost >= 0 ? '+' : ''}${cost.toFixed(0)}%`, `${ms('auth+tracking')} vs ${ms('no plugins')} ms (medians, measured minutes apart)`]);
  }
  await interleavedPluginCost();
  if (process.env.BENCH_S3 !== '0') await s3Section(file);
  printRows();
}

function printRows() {
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
  console.log(`\nVisor benchmark — ${new Date().toISOString()}, node ${process.version}, ${SIZE_MB} MiB image, data in ${work}, load average at the end ${loadAverage()}`);
  for (const row of rows) console.log(`  ${row[0].padEnd(widths[0])}  ${row[1].padStart(widths[1])}  ${row[2]}`);
}

function curlDownload(url, target) {
  return run('curl', ['-sS', '-f', '-o', '/dev/null', ...headerArgs(signed('GET', target)), `${url}${target}`]);
}

/** The S3 backend against the Swift all-in-one (bench/s3.mjs), with this file's helpers. */
async function s3Section(file) {
  const tools = { startServer, stop, call, curlUpload, curlDownload, run, memory, resetPeak, median, seconds, mbps, warmUp: warmUpUploads };
  rows.push(...(await s3Rows({ file, size: SIZE, sizeMb: SIZE_MB, runs: Number(process.env.BENCH_S3_RUNS ?? 3), tools })));
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => rmSync(work, { recursive: true, force: true }));
