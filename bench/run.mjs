#!/usr/bin/env node
// Visor benchmark (not part of the tests): 1 GiB upload and download over loopback through
// the fs backend, with cat/cp of the same file as references, the server's peak memory
// growth, and median latencies of metadata GET, create and list-1000.
//   npm run bench                 # 1 GiB
//   BENCH_SIZE_MB=4096 npm run bench
import { spawn, spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';

const SIZE_MB = Number(process.env.BENCH_SIZE_MB ?? 1024);
const SIZE = SIZE_MB * 1024 * 1024;
const root = new URL('..', import.meta.url).pathname;
const work = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'visor-bench-'));
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const rows = [];
const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;
const mbps = (bytes, s) => `${(bytes / s / 1e6).toFixed(0)} MB/s`;

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
    const req = http.request(url, { method, agent, headers: body ? { 'content-type': 'application/json', ...headers } : headers }, (res) => {
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
      for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
      if (body !== undefined) lines.push('content-type: application/json', `content-length: ${Buffer.byteLength(payload)}`);
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

async function startServer() {
  const child = spawn(process.execPath, [join(root, 'packages/core/dist/src/bin/visor.js')], {
    env: { ...process.env, VISOR_PORT: '0', VISOR_DATA_DIR: join(work, 'data'), VISOR_LOG_LEVEL: 'info', VISOR_CONFIG: join(work, 'visor.config.json') },
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

async function main() {
  writeFileSync(join(work, 'visor.config.json'), '{}');
  const file = join(work, 'image.raw');
  console.log(`preparing a ${SIZE_MB} MiB image in ${work} ...`);
  await makeImage(file);
  spawnSync('cat', [file], { stdio: ['ignore', 'ignore', 'inherit'] }); // warm the page cache

  timeCommand(`cat ${SIZE_MB} MiB > /dev/null (reference)`, 'sh', ['-c', `cat '${file}' > /dev/null`], SIZE);
  timeCommand(`cp ${SIZE_MB} MiB (reference)`, 'cp', [file, join(work, 'copy.raw')], SIZE);
  rmSync(join(work, 'copy.raw'));

  const { child, url } = await startServer();
  try {
    const image = JSON.parse((await call('POST', `${url}/images`, { image: { name: 'bench', architecture: 'x86_64', format: 'raw' } })).body).image;
    const before = memory(child.pid);

    let start = process.hrtime.bigint();
    await run('curl', ['-sS', '-f', '-o', '/dev/null', '-T', file, '-X', 'PUT', '-H', 'content-type: application/octet-stream', '-H', 'expect:', `${url}/images/${image.id}`]);
    let s = seconds(start);
    const afterUpload = memory(child.pid);
    rows.push([`upload ${SIZE_MB} MiB (curl -T, MD5+SHA-256)`, mbps(SIZE, s), `${s.toFixed(2)} s; server peak RSS +${((afterUpload.peak - before.rss) / 1048576).toFixed(1)} MiB`]);

    start = process.hrtime.bigint();
    await run('curl', ['-sS', '-f', '-o', '/dev/null', `${url}/images/${image.id}`]);
    s = seconds(start);
    const afterDownload = memory(child.pid);
    rows.push([`download ${SIZE_MB} MiB (curl)`, mbps(SIZE, s), `${s.toFixed(2)} s; server peak RSS +${((afterDownload.peak - before.rss) / 1048576).toFixed(1)} MiB`]);

    start = process.hrtime.bigint();
    let received = 0;
    await new Promise((resolve, reject) => {
      http.get(`${url}/images/${image.id}`, { agent }, (res) => {
        res.on('data', (c) => (received += c.length));
        res.on('end', resolve);
        res.on('error', reject);
      });
    });
    s = seconds(start);
    if (received !== SIZE) throw new Error(`downloaded ${received} of ${SIZE} bytes`);
    rows.push([`download ${SIZE_MB} MiB (node http client)`, mbps(SIZE, s), `${s.toFixed(2)} s`]);

    const raw = await rawConnection(url);
    await latency('metadata GET /images/:id/meta (keep-alive)', 3000, () => raw.call('GET', `/images/${image.id}/meta`));
    await latency('HEAD /images/:id (keep-alive)', 3000, () => raw.call('HEAD', `/images/${image.id}`));
    await latency('create POST /images (JSON, keep-alive)', 1000, (i) => raw.call('POST', '/images', { image: { name: `image-${i}`, architecture: 'x86_64', distro: 'debian' } }));
    await latency('list GET /images?limit=1000', 100, () => raw.call('GET', '/images?limit=1000'));
    await latency('list GET /images/detail?limit=1000', 50, () => raw.call('GET', '/images/detail?limit=1000'));
    await latency('filter GET /images?distro=debian&limit=10', 500, () => raw.call('GET', '/images?distro=debian&limit=10'));
    await latency('list GET /images?limit=1000 as XML', 50, () => raw.call('GET', '/images?limit=1000', undefined, { accept: 'application/xml' }));
    await latency('metadata GET via node http client (for comparison)', 1000, () => call('GET', `${url}/images/${image.id}/meta`));
    raw.close();
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
    agent.destroy();
  }

  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
  console.log(`\nVisor benchmark — ${new Date().toISOString()}, node ${process.version}, ${SIZE_MB} MiB image, data in ${work}`);
  for (const row of rows) console.log(`  ${row[0].padEnd(widths[0])}  ${row[1].padStart(widths[1])}  ${row[2]}`);
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => rmSync(work, { recursive: true, force: true }));
