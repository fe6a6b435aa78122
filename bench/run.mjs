#!/usr/bin/env node
// Visor benchmark (not part of the tests): 1 GiB uploads and downloads over loopback through
// the fs backend (median of BENCH_RUNS rounds, default 5: this machine's figures vary by
// ±15% from run to run), with cat/cp of the same file as references, the server's peak
// memory growth, and median latencies of metadata GET, create and list-1000; then the S3
// backend against an OpenStack Swift all-in-one beside direct transfers (bench/s3.mjs,
// BENCH_S3_RUNS rounds, default 3; BENCH_S3=0 skips it).
//   npm run bench                 # 1 GiB
//   BENCH_SIZE_MB=4096 npm run bench
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomFillSync } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { authorizationHeader } from '../packages/client/dist/src/index.js';
import { s3Rows } from './s3.mjs';

const SIZE_MB = Number(process.env.BENCH_SIZE_MB ?? 1024);
const SIZE = SIZE_MB * 1024 * 1024;
const root = new URL('..', import.meta.url).pathname;
const work = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'visor-bench-'));
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const rows = [];
// Access control is on by default: every request the benchmark sends is signed, as a real client's would be.
const ADMIN = { accessKey: 'bench-admin', secretKey: randomBytes(32).toString('base64') };
const date = () => new Date().toUTCString();

function signed(method, target, headers = {}) {
  const q = target.indexOf('?');
  const path = q === -1 ? target : target.slice(0, q);
  const query = q === -1 ? '' : target.slice(q + 1);
  const all = { ...headers, 'x-visor-date': date() };
  return { ...all, authorization: authorizationHeader(ADMIN.accessKey, ADMIN.secretKey, { method, path, query, headers: all }) };
}
const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;
const mbps = (bytes, s) => `${(bytes / s / 1e6).toFixed(0)} MB/s`;

/** Resets the kernel's peak-RSS mark of a process (Linux, same user), so each phase reports its own peak. */
function resetPeak(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // not allowed or not Linux: peaks then accumulate over the run, an upper bound
  }
}

function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') * 1024, peak: kb('VmHWM') * 1024 };
}

async function makeImage(path) {
  const block = randomFillSync(Buffer.alloc(16 * 1024 * 1024));
  const out = createWriteStream(path);
  for (let written = 0; written < SIZE; written += block.length) {
    block.writeUInt32LE(written / block.length, 0); // blocks differ, so nothing dedupes
    if (!out.write(block.subarray(0, Math.min(block.length, SIZE - written)))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

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

const BIN = join(root, 'packages/core/dist/src/bin/visor.js');

async function startServer(config, name) {
  const configFile = join(work, `${name}.config.json`);
  writeFileSync(configFile, JSON.stringify(config));
  const child = spawn(process.execPath, [BIN], {
    env: {
      ...process.env,
      VISOR_PORT: '0',
      VISOR_DATA_DIR: join(work, `data-${name}`),
      VISOR_LOG_LEVEL: 'info',
      VISOR_CONFIG: configFile,
      VISOR_ADMIN_ACCESS_KEY: ADMIN.accessKey,
      VISOR_ADMIN_SECRET_KEY: ADMIN.secretKey,
    },
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  // Keep draining the server's log: a full pipe would stall the server.
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
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening:\n${buffered}`)));
  });
}

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited ${code}: ${stderr}`))));
  });
}

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * RUNS rounds of: register an image, upload the file with curl, download it
 * with curl, delete it (so no round inherits the last one's dirty page cache).
 * Adds median and every run's figure; resolves to the server's peak RSS growth.
 */
const headerArgs = (headers) => Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);

/** Uploads `file` to image `target` with curl, signed (no Expect: 100-continue round trip). */
function curlUpload(url, target, file) {
  const headers = signed('PUT', target, { 'content-type': 'application/octet-stream' });
  return run('curl', ['-sS', '-f', '-o', '/dev/null', '-T', file, '-X', 'PUT', '-H', 'expect:', ...headerArgs(headers), `${url}${target}`]);
}

async function transfers(url, file, pid, baseline) {
  const up = [];
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
  }
  const figures = (rates) => `runs: ${rates.map((r) => (r / 1e6).toFixed(0)).join(', ')} MB/s`;
  rows.push([`upload ${SIZE_MB} MiB (curl -T, MD5+SHA-256), median of ${RUNS}`, mbps(median(up), 1), figures(up)]);
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

function curlDownload(url, target) {
  return run('curl', ['-sS', '-f', '-o', '/dev/null', ...headerArgs(signed('GET', target)), `${url}${target}`]);
}

async function stop(child) {
  child.kill('SIGTERM');
  await once(child, 'exit');
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

  if (process.env.BENCH_ONLY === 's3') return s3Section(file);
  await fsSections(file);
  if (process.env.BENCH_S3 !== '0') await s3Section(file);
}

/** The S3 backend against the Swift all-in-one (bench/s3.mjs), with run.mjs's helpers. */
async function s3Section(file) {
  const tools = { startServer, stop, call, curlUpload, curlDownload, run, memory, resetPeak, median, seconds, mbps, warmUp };
  rows.push(...(await s3Rows({ file, size: SIZE, sizeMb: SIZE_MB, runs: Number(process.env.BENCH_S3_RUNS ?? 3), tools })));
}

/** A 16 MiB upload: starts the server's digest worker threads, a one-time cost the memory figures leave out. */
async function warmUp(url) {
  const warm = JSON.parse((await call('POST', `${url}/images`, { image: { name: 'warm-up', architecture: 'x86_64' } })).body).image;
  const warmTarget = `/images/${warm.id}`;
  const warmBody = randomBytes(16 * 1024 * 1024);
  await new Promise((resolve, reject) => {
    const req = http.request(`${url}${warmTarget}`, { method: 'PUT', agent, headers: signed('PUT', warmTarget, { 'content-type': 'application/octet-stream' }) }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`warm-up upload: ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(warmBody);
  });
  await call('DELETE', `${url}${warmTarget}`);
}

/** The fs backend's transfers and the metadata latencies. */
async function fsSections(file) {
  // The default configuration: auth and tracking on.
  const { child, url } = await startServer({}, 'default');
  try {
    const image = JSON.parse((await call('POST', `${url}/images`, { image: { name: 'bench', architecture: 'x86_64', format: 'raw' } })).body).image;
    const cold = memory(child.pid);
    // A 16 MiB warm-up upload starts the digest worker threads, a one-time cost reported apart.
    await warmUp(url);
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
}

function printRows() {
  agent.destroy();
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
  console.log(`\nVisor benchmark — ${new Date().toISOString()}, node ${process.version}, ${SIZE_MB} MiB image, data in ${work}`);
  for (const row of rows) console.log(`  ${row[0].padEnd(widths[0])}  ${row[1].padStart(widths[1])}  ${row[2]}`);
}

main()
  .then(printRows)
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => rmSync(work, { recursive: true, force: true }));
