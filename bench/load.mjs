#!/usr/bin/env node
// Visor under load, beside OpenStack Glance (Debian's glance-api: file store, SQLite, no Keystone)
// and, for downloads, nginx serving the same file, all on 127.0.0.1 in one run; printed as ratios.
// Not a test. Needs wrk, glance-api and nginx (Debian): installed here when missing (root only).
//   npm run bench:load
//   BENCH_SIZE_MB=256 BENCH_LOAD_SECONDS=3 npm run bench:load     # a quicker run
//   BENCH_ONLY=uploads npm run bench:load                          # one section: metadata, downloads or uploads
// Visor runs its default configuration (access control and tracking on, every request signed);
// Glance has no authentication at all, so the comparison favours Glance.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN, groupCpuSeconds, headerArgs, processCpuSeconds, loadAverage, makeImage, memory, resetPeak, run, signed, startVisor, stop, warmUpUploads, json, visorJson } from './lib.mjs';

const SIZE_MB = Number(process.env.BENCH_SIZE_MB ?? 1024);
const SIZE = SIZE_MB * 1024 * 1024;
const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 5);
const root = new URL('..', import.meta.url).pathname;
const work = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'visor-load-'));
const rows = [];
const MiB = 1048576;

/** Makes sure wrk is there (Debian), installing it as root when missing. */
function ensureWrk() {
  if (spawnSync('sh', ['-c', 'command -v wrk']).status === 0) return;
  if (process.getuid?.() !== 0) throw new Error('wrk is not installed and this is not root: apt-get install wrk');
  const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'wrk'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (install().status !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'inherit' });
    if (install().status !== 0) throw new Error('could not install wrk');
  }
}

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released). */
async function freePort() {
  const net = await import('node:net');
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  return port;
}

/** Starts a peer's script in its own process group; resolves once `probe` answers. */
async function startPeer(name, script, args, probe) {
  const log = join(work, `${name}.out`);
  const child = spawn('sh', [join(root, 'bench/peers', script), ...args], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = Date.now() + 120_000; // a first run installs the Debian package
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${name} exited before answering: ${stderr.slice(-2000)}`);
    const ok = spawnSync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-m', '2', probe], { encoding: 'utf8' }).stdout;
    if (ok === '200') return { child, stop: () => stopGroup(child) };
    await new Promise((r) => setTimeout(r, 300));
  }
  stopGroup(child);
  writeFileSync(log, stderr);
  throw new Error(`${name} did not answer ${probe} within 120 s`);
}

async function stopGroup(child) {
  if (child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  await Promise.race([once(child, 'exit'), new Promise((r) => setTimeout(r, 10_000))]);
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // gone
  }
}

/**
 * Runs wrk against `url` with `connections` for SECONDS; resolves to requests/s, p50 and p99 (ms).
 * Every request must be answered 2xx: a server refusing fast would otherwise look fast.
 */
function wrk(url, connections, { method = 'GET', headers = {}, body } = {}) {
  const script = join(work, `wrk-${Math.random().toString(36).slice(2)}.lua`);
  const lua = [
    `wrk.method = ${JSON.stringify(method)}`,
    ...Object.entries(headers).map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`),
    ...(body === undefined ? [] : [`wrk.body = ${JSON.stringify(body)}`]),
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    '  io.write(string.format("RESULT %d %d %d %d %d %d\\n", summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status, latency:percentile(50), latency:percentile(99)))',
    'end',
  ].join('\n');
  writeFileSync(script, lua);
  const threads = Math.min(2, connections);
  const result = spawnSync('wrk', ['-t', String(threads), '-c', String(connections), '-d', `${SECONDS}s`, '--timeout', '10s', '-s', script, url], { encoding: 'utf8' });
  const line = /RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)/.exec(result.stdout);
  if (!line) throw new Error(`wrk gave no result: ${result.stdout}${result.stderr}`);
  const [requests, durationUs, errors, statusErrors, p50, p99] = line.slice(1).map(Number);
  if (errors > 0 || statusErrors > 0) throw new Error(`wrk ${method} ${url}: ${errors} socket errors, ${statusErrors} non-2xx answers of ${requests}`);
  return { rps: requests / (durationUs / 1e6), p50: p50 / 1000, p99: p99 / 1000 };
}

/** Runs `count` curl processes at once; resolves to the aggregate rate (bytes/s). */
async function concurrently(count, argsOf) {
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: count }, (_, i) => run('curl', argsOf(i))));
  return (count * SIZE) / (Number(process.hrtime.bigint() - start) / 1e9);
}

const fmtRate = (r) => `${(r / 1e6).toFixed(0)} MB/s`;
const fmtRps = (r) => `${r.rps.toFixed(0)} req/s (p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms)`;
const ratio = (a, b) => `${(a / b).toFixed(2)}×`;


/** The same calls to Visor (signed, path only) and Glance. */
function visorApi(url) {
  const send = (method, path, body) => visorJson(url, method, path, body);
  return {
    name: 'Visor',
    create: async (name) => (await send('POST', '/images', { image: { name, architecture: 'x86_64', format: 'raw' } })).image.id,
    remove: (id) => send('DELETE', `/images/${id}`),
    metaPath: (id) => `/images/${id}/meta`,
    listPath: '/images?limit=25',
    createRequest: () => {
      const body = JSON.stringify({ image: { name: 'load', architecture: 'x86_64', format: 'raw' } });
      return { method: 'POST', body, headers: signed('POST', '/images', { 'content-type': 'application/json' }) };
    },
    createPath: '/images',
    filePath: (id) => `/images/${id}`,
    headers: (method, path, extra = {}) => signed(method, path, extra),
  };
}

function glanceApi(url) {
  return {
    name: 'Glance',
    create: async (name) => (await json('POST', `${url}/v2/images`, { name, disk_format: 'raw', container_format: 'bare' })).id,
    remove: (id) => json('DELETE', `${url}/v2/images/${id}`),
    metaPath: (id) => `/v2/images/${id}`,
    listPath: '/v2/images?limit=25',
    createRequest: () => ({
      method: 'POST',
      body: JSON.stringify({ name: 'load', disk_format: 'raw', container_format: 'bare' }),
      headers: { 'content-type': 'application/json' },
    }),
    createPath: '/v2/images',
    filePath: (id) => `/v2/images/${id}/file`,
    headers: (_method, _path, extra = {}) => extra,
  };
}

async function metadata(servers) {
  const ids = {};
  for (const s of servers) {
    for (let i = 0; i < 100; i++) ids[s.api.name] = await s.api.create(`seed-${i}`);
  }
  for (const [label, pathOf] of [['metadata GET', (api) => api.metaPath(ids[api.name])], ['list GET (25 of 100+)', (api) => api.listPath]]) {
    for (const connections of [1, 16, 64]) {
      const results = servers.map((s) => {
        const path = pathOf(s.api);
        return wrk(`${s.url}${path}`, connections, { headers: s.api.headers('GET', path) });
      });
      const [v, g] = results;
      rows.push([`${label}, ${connections} connections`, `Visor ${fmtRps(v)}`, `Glance ${fmtRps(g)}`, `${ratio(v.rps, g.rps)} Glance`]);
    }
  }
  const results = servers.map((s) => {
    const { method, body, headers } = s.api.createRequest();
    return wrk(`${s.url}${s.api.createPath}`, 16, { method, body, headers });
  });
  rows.push(['create POST, 16 connections', `Visor ${fmtRps(results[0])}`, `Glance ${fmtRps(results[1])}`, `${ratio(results[0].rps, results[1].rps)} Glance`]);
}

async function downloads(visor, glance, nginxUrl, file) {
  const ids = {};
  for (const s of [visor, glance]) {
    ids[s.api.name] = await s.api.create('download');
    const path = s.api.filePath(ids[s.api.name]);
    await run('curl', ['-sS', '-f', '-o', '/dev/null', '-T', file, '-X', 'PUT', '-H', 'expect:', ...headerArgs(s.api.headers('PUT', path, { 'content-type': 'application/octet-stream' })), `${s.url}${path}`]);
  }
  spawnSync('sync');
  for (const n of [1, 8, 32]) {
    const rates = {};
    for (const s of [visor, glance]) {
      const path = s.api.filePath(ids[s.api.name]);
      const headers = headerArgs(s.api.headers('GET', path));
      if (s === visor) resetPeak(visor.pid);
      const before = s === visor ? memory(visor.pid).rss : 0;
      rates[s.api.name] = await concurrently(n, () => ['-sS', '-f', '-o', '/dev/null', ...headers, `${s.url}${path}`]);
      if (s === visor) rates.rss = (memory(visor.pid).peak - before) / MiB;
    }
    rates.nginx = await concurrently(n, () => ['-sS', '-f', '-o', '/dev/null', `${nginxUrl}/image.raw`]);
    rows.push([
      `${n} concurrent download${n > 1 ? 's' : ''} of ${SIZE_MB} MiB, aggregate`,
      `Visor ${fmtRate(rates.Visor)} (RSS +${rates.rss.toFixed(0)} MiB)`,
      `Glance ${fmtRate(rates.Glance)}, nginx ${fmtRate(rates.nginx)}`,
      `${ratio(rates.Visor, rates.nginx)} nginx, ${ratio(rates.Visor, rates.Glance)} Glance`,
    ]);
  }
  for (const s of [visor, glance]) await s.api.remove(ids[s.api.name]);
}

/**
 * 1, 4 and 8 concurrent uploads to each server, with each server's CPU seconds per GiB stored
 * (its whole process group: Glance runs worker processes), since on a small machine the
 * aggregate rate is bounded by CPU: MD5 and SHA-256 (Glance: SHA-512) of every byte, the
 * loopback TCP receive, the page cache write, and curl's own sending, all on the same cores.
 */
async function uploads(visor, glance, file) {
  const cold = memory(visor.pid).rss;
  await warmUpUploads(visor.url);
  const warm = memory(visor.pid).rss;
  rows.push([
    'Visor RSS before / after a 16 MiB warm-up upload',
    `${(cold / MiB).toFixed(0)} / ${(warm / MiB).toFixed(0)} MiB`,
    'once per process: the digest worker threads and their batch pool (left out of the per-upload figures below)',
    '',
  ]);
  for (const n of [1, 4, 8]) {
    const rates = {};
    const cpu = {};
    for (const s of [visor, glance]) {
      const ids = [];
      for (let i = 0; i < n; i++) ids.push(await s.api.create(`upload-${n}-${i}`));
      spawnSync('sync');
      if (s === visor) resetPeak(visor.pid);
      const before = s === visor ? memory(visor.pid).rss : 0;
      const cpuBefore = s.cpuSeconds();
      rates[s.api.name] = await concurrently(n, (i) => {
        const path = s.api.filePath(ids[i]);
        return ['-sS', '-f', '-o', '/dev/null', '-T', file, '-X', 'PUT', '-H', 'expect:', ...headerArgs(s.api.headers('PUT', path, { 'content-type': 'application/octet-stream' })), `${s.url}${path}`];
      });
      cpu[s.api.name] = (s.cpuSeconds() - cpuBefore) / ((n * SIZE) / 2 ** 30);
      if (s === visor) rates.rss = (memory(visor.pid).peak - before) / MiB;
      for (const id of ids) await s.api.remove(id);
    }
    rows.push([
      `${n} concurrent upload${n > 1 ? 's' : ''} of ${SIZE_MB} MiB, aggregate`,
      `Visor ${fmtRate(rates.Visor)} (RSS +${rates.rss.toFixed(0)} MiB, ${(rates.rss / n).toFixed(0)} per upload; ${cpu.Visor.toFixed(2)} CPU s/GiB)`,
      `Glance ${fmtRate(rates.Glance)} (${cpu.Glance.toFixed(2)} CPU s/GiB)`,
      `${ratio(rates.Visor, rates.Glance)} Glance; CPU per GiB ${ratio(cpu.Visor, cpu.Glance)} Glance's`,
    ]);
  }
}

async function main() {
  ensureWrk();
  const files = join(work, 'files');
  mkdirSync(files);
  const file = join(files, 'image.raw');
  console.log(`preparing a ${SIZE_MB} MiB image in ${work} ...`);
  await makeImage(file, SIZE);
  spawnSync('sync');
  spawnSync('cat', [file], { stdio: ['ignore', 'ignore', 'inherit'] });
  rows.push([`load average at the start`, loadAverage(), '', '']);

  const glancePort = await freePort();
  const glance = await startPeer('glance', 'glance.sh', [String(glancePort), join(work, 'glance')], `http://127.0.0.1:${glancePort}/v2/images`);
  const nginxPort = await freePort();
  const nginx = await startPeer('nginx', 'nginx.sh', [String(nginxPort), files, join(work, 'nginx')], `http://127.0.0.1:${nginxPort}/image.raw`);
  const visor = await startVisor({ config: {}, name: 'load', work });
  try {
    const servers = [
      { api: visorApi(visor.url), url: visor.url },
      { api: glanceApi(`http://127.0.0.1:${glancePort}`), url: `http://127.0.0.1:${glancePort}` },
    ];
    const only = process.env.BENCH_ONLY;
    if (!only || only === 'metadata') {
      await metadata(servers);
      rows.push([`load average after the metadata runs`, loadAverage(), '', '']);
    }
    if (!only || only === 'downloads') {
      await downloads({ ...servers[0], pid: visor.child.pid }, servers[1], `http://127.0.0.1:${nginxPort}`, file);
      rows.push([`load average after the downloads`, loadAverage(), '', '']);
    }
    if (!only || only === 'uploads') {
      await uploads(
      { ...servers[0], pid: visor.child.pid, cpuSeconds: () => processCpuSeconds(visor.child.pid) },
      { ...servers[1], cpuSeconds: () => groupCpuSeconds(glance.child.pid) },
      file,
    );
      rows.push([`load average after the uploads`, loadAverage(), '', '']);
    }
  } finally {
    await stop(visor.child);
    await glance.stop();
    await nginx.stop();
  }

  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
  console.log(`\nVisor load benchmark — ${new Date().toISOString()}, node ${process.version}, wrk ${SECONDS} s per figure, ${SIZE_MB} MiB image, Visor with auth+tracking (signed), Glance without auth`);
  for (const row of rows) console.log(`  ${row[0].padEnd(widths[0])}  ${row[1].padEnd(widths[1])}  ${row[2].padEnd(widths[2])}  ${row[3]}`);
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => rmSync(work, { recursive: true, force: true }));
