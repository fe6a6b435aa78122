// What both benchmarks (run.mjs, load.mjs) share: the admin they sign as, starting a Visor
// server process, test files, process memory and the machine's load.
import { spawn } from 'node:child_process';
import { randomBytes, randomFillSync } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { authorizationHeader } from '../packages/client/dist/src/index.js';

const root = new URL('..', import.meta.url).pathname;
const BIN = join(root, 'packages/core/dist/src/bin/visor.js');

/** Access control is on by default: every request the benchmarks send is signed, as a real client's would be. */
export const ADMIN = { accessKey: 'bench-admin', secretKey: randomBytes(32).toString('base64') };

/** `headers` plus x-visor-date and the Authorization of ADMIN for `method target` (target: path and query). */
export function signed(method, target, headers = {}) {
  const q = target.indexOf('?');
  const path = q === -1 ? target : target.slice(0, q);
  const query = q === -1 ? '' : target.slice(q + 1);
  const all = { ...headers, 'x-visor-date': new Date().toUTCString() };
  return { ...all, authorization: authorizationHeader(ADMIN.accessKey, ADMIN.secretKey, { method, path, query, headers: all }) };
}

/** Headers as curl arguments. */
export const headerArgs = (headers) => Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);

/** The 1-minute load average: printed beside figures, since this machine is shared. */
export const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0];

/** Writes `size` bytes of random data to `path`, each 16 MiB block different (nothing dedupes). */
export async function makeImage(path, size) {
  const block = randomFillSync(Buffer.alloc(16 * 1024 * 1024));
  const out = createWriteStream(path);
  for (let written = 0; written < size; written += block.length) {
    block.writeUInt32LE(written / block.length, 0);
    if (!out.write(block.subarray(0, Math.min(block.length, size - written)))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Resets the kernel's peak-RSS mark of a process (Linux, same user), so each phase reports its own peak. */
export function resetPeak(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // not allowed or not Linux: peaks then accumulate over the run, an upper bound
  }
}

/** Resident and peak resident memory of a process, in bytes. */
export function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') * 1024, peak: kb('VmHWM') * 1024 };
}

/**
 * CPU seconds (user + system, children reaped excluded) of every process in process group `pgid`
 * (a server and its worker processes), from /proc/<pid>/stat. Linux only.
 */
export function groupCpuSeconds(pgid) {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) total += (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

/** CPU seconds (user + system, all threads) of process `pid`, from /proc/<pid>/stat. Linux only. */
export function processCpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Runs a command to its end; rejects with its standard error when it fails. */
export function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.at(-1)} exited ${code}: ${stderr}`))));
  });
}

/** Starts `visor-server` with `config` (a data directory under `work`), ADMIN as its admin; resolves once it listens. */
export async function startVisor({ config, name, work }) {
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

export async function stop(child) {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

/**
 * One JSON call on a connection of its own (no keep-alive: an idle connection may be closed under
 * a reused one); resolves to the parsed answer, rejects on a status of 300 or more.
 */
export function json(method, url, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const payload = body ? JSON.stringify(body) : undefined;
    const req = http.request(url, { method, agent: false, headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => (res.statusCode >= 300 ? reject(new Error(`${method} ${url}: ${res.statusCode} ${text}`)) : resolve(text ? JSON.parse(text) : undefined)));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** A signed JSON request to the Visor at `url` (`target`: path and query). */
export const visorJson = (url, method, target, body) => json(method, `${url}${target}`, body, signed(method, target, body === undefined ? {} : { 'content-type': 'application/json' }));

/**
 * A 16 MiB upload to the Visor at `url`, deleted afterwards: it starts the server's digest worker
 * threads (and fills its batch pool), a one-time cost per process that memory figures report apart.
 */
export async function warmUpUploads(url) {
  const { image } = await visorJson(url, 'POST', '/images', { image: { name: 'warm-up', architecture: 'x86_64' } });
  const target = `/images/${image.id}`;
  await new Promise((resolve, reject) => {
    const req = http.request(`${url}${target}`, { method: 'PUT', agent: false, headers: signed('PUT', target, { 'content-type': 'application/octet-stream' }) }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`warm-up upload: ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(randomBytes(16 * 1024 * 1024));
  });
  await visorJson(url, 'DELETE', target);
}

/**
 * CPU seconds (user + system) of processes `pids` and all their living descendants, from
 * /proc/<pid>/stat (a server and the workers it forked). Linux only.
 */
export function treeCpuSeconds(pids) {
  const parent = new Map();
  const cpu = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(entry), Number(fields[1]));
      cpu.set(Number(entry), (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // the process ended meanwhile
    }
  }
  const roots = new Set(pids);
  const inTree = (pid) => {
    for (let p = pid; p > 1; p = parent.get(p) ?? 0) if (roots.has(p)) return true;
    return false;
  };
  let total = 0;
  for (const [pid, seconds] of cpu) if (inTree(pid)) total += seconds;
  return total;
}
