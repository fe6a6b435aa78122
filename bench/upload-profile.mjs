#!/usr/bin/env node
// Where an upload's time goes, thread by thread: runs a Visor in this process (no plugins, fs
// store), uploads a file with curl (PUT, then a register-and-upload POST), optionally beside a
// competing CPU-bound process, and reports the CPU seconds each thread of the server spent:
// the main thread, each hash worker, the libuv thread pool, V8's platform threads (GC and
// compiler helpers), the main thread's GC pauses, and curl's own CPU time. Linux only (/proc).
//   node bench/upload-profile.mjs FILE [--compete] [--concurrent N]   (one JSON line per upload kind;
//   with --concurrent, N PUTs of FILE at once, reported together)
// bench/run.mjs runs it; it is not a test.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { pbkdf2 } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';

const POOL_SIZE = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
const TICK = 100; // USER_HZ: /proc reports CPU time in 1/100 s on Linux
const tids = () => readdirSync('/proc/self/task').map(Number);
/** A thread's user+system CPU seconds from /proc/self/task/<tid>/stat (fields 14 and 15). */
function cpu(tid) {
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICK;
  } catch {
    return 0; // the thread ended
  }
}

// The libuv thread pool (it exists already: the module loader reads files through it) is told
// apart from V8's platform threads by keeping every pool thread busy with PBKDF2 for a moment:
// the threads whose CPU time grows are the pool's.
const before = new Map(tids().map((tid) => [tid, cpu(tid)]));
await Promise.all(Array.from({ length: POOL_SIZE }, () => new Promise((resolve) => pbkdf2(' ', ' ', 1_000_000, 32, 'sha256', resolve))));
const poolThreads = [...before].filter(([tid, t]) => tid !== process.pid && cpu(tid) - t > 0.02).map(([tid]) => tid);
const platformThreads = [...before.keys()].filter((tid) => tid !== process.pid && !poolThreads.includes(tid));

const { createVisor, silentLogger } = await import('../packages/core/dist/src/index.js');
const { hashWorkers } = await import('../packages/core/dist/src/hashing/offloaded-digests.js');

let gcMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
}).observe({ entryTypes: ['gc'] });

const file = process.argv[2];
const compete = process.argv.includes('--compete');
const concurrentAt = process.argv.indexOf('--concurrent');
const concurrent = concurrentAt === -1 ? 1 : Number(process.argv[concurrentAt + 1]);
const size = statSync(file).size;
const work = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'visor-profile-'));
// Each run stores two copies of the file: never leave them behind, even when stopped or when
// the reader of our output goes away (a closed pipe would otherwise end the process before `finally`).
const cleanUp = () => rmSync(work, { recursive: true, force: true });
process.stdout.on('error', () => undefined);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGPIPE']) {
  process.on(signal, () => {
    cleanUp();
    process.exit(1);
  });
}
process.on('exit', cleanUp);
const visor = await createVisor({ plugins: [], dataDir: join(work, 'data') }, { logger: silentLogger });
const { url } = await visor.listen(0, '127.0.0.1');

/** Runs curl in a shell that prints its children's CPU times (`times`), so curl's own cost is known. */
function curl(args) {
  return new Promise((resolve, reject) => {
    const quoted = args.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    const child = spawn('bash', ['-c', `curl ${quoted} && times`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`curl exited ${code}`));
      // `times` prints the shell's then its children's user and system times, as "0m1.234s 0m0.567s".
      const lines = out.trim().split('\n');
      const secs = (t) => { const m = /(\d+)m([\d.]+)s/.exec(t); return Number(m[1]) * 60 + Number(m[2]); };
      const children = lines.at(-1).split(/\s+/).map(secs);
      resolve({ body: lines.slice(0, -2).join('\n'), cpu: children[0] + children[1] });
    });
  });
}

const snapshot = () => {
  const hash = { md5: hashWorkers.md5.threadIds, sha256: hashWorkers.sha256.threadIds };
  const known = new Set([process.pid, ...platformThreads, ...poolThreads, ...hash.md5, ...hash.sha256]);
  const other = tids().filter((tid) => !known.has(tid));
  const sum = (list) => list.reduce((total, tid) => total + cpu(tid), 0);
  return {
    main: cpu(process.pid),
    md5: sum(hash.md5),
    sha256: sum(hash.sha256),
    libuv: sum(poolThreads),
    v8: sum(platformThreads),
    other: sum(other),
    gcMs,
  };
};

/** Runs the curl commands at once; prints CPU seconds per thread over all of them and the aggregate rate. */
async function profiled(label, ...commands) {
  const burner = compete ? spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }) : undefined;
  const before = snapshot();
  const start = process.hrtime.bigint();
  const results = await Promise.all(commands.map((args) => curl(args)));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const after = snapshot();
  burner?.kill('SIGKILL');
  const threads = Object.fromEntries(Object.keys(before).map((k) => [k, Number((after[k] - before[k]).toFixed(k === 'gcMs' ? 0 : 2))]));
  const curlCpu = results.reduce((total, r) => total + r.cpu, 0);
  const bytes = size * commands.length;
  console.log(JSON.stringify({ label, compete, uploads: commands.length, seconds: Number(seconds.toFixed(2)), mbps: Math.round(bytes / seconds / 1e6), threads, curl: Number(curlCpu.toFixed(2)) }));
  return results[0].body;
}
const put = (id) => ['-sS', '-f', '-o', '/dev/null', '-T', file, '-X', 'PUT', '-H', 'expect:', '-H', 'content-type: application/octet-stream', `${url}/images/${id}`];

try {
  // Warm-up: starts both hash workers (a one-time cost, not profiled).
  const warm = await visor.images.register({ name: 'warm', architecture: 'x86_64' });
  const warmFile = join(work, 'warm.raw');
  await import('node:fs/promises').then((fs) => fs.writeFile(warmFile, Buffer.alloc(16 << 20, 1)));
  await curl(['-sS', '-f', '-o', '/dev/null', '-T', warmFile, '-X', 'PUT', '-H', 'expect:', '-H', 'content-type: application/octet-stream', `${url}/images/${warm.id}`]);
  if (concurrent > 1) {
    const ids = [];
    for (let i = 0; i < concurrent; i++) ids.push((await visor.images.register({ name: `put-${i}`, architecture: 'x86_64' })).id);
    await profiled(`${concurrent} PUTs at once`, ...ids.map(put));
    process.exit(0);
  }
  const image = await visor.images.register({ name: 'put', architecture: 'x86_64' });
  await profiled('PUT', put(image.id));
  await profiled('POST', [
    '-sS', '-f', '-o', '/dev/null', '-T', file, '-X', 'POST', '-H', 'expect:', '-H', 'content-type: application/octet-stream',
    '-H', 'x-image-meta-name: post', '-H', 'x-image-meta-architecture: x86_64', `${url}/images`,
  ]);
} finally {
  await visor.close();
  cleanUp();
}
