// The S3 part of `npm run bench`: the S3 backend against the OpenStack Swift all-in-one
// (@visor/test-servers), 1 GiB (BENCH_SIZE_MB) up and down through Visor beside the same
// transfers straight to Swift (AWS SDK lib-storage Upload / GetObject, and curl on a presigned
// URL), as ratios measured in the same run; and the Visor server's peak RSS growth during its
// transfers, against the bound partSize × queueSize + 50 MiB; and the CPU seconds per GiB of each
// party (Swift's processes, Visor, the SDK in this process), since on a small machine they all share
// the cores and the CPU bounds the rate. BENCH_S3=0 skips it.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { createReadStream } from 'node:fs';
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { startSwift } from '../packages/test-servers/dist/src/index.js';
import { processCpuSeconds, treeCpuSeconds } from './lib.mjs';

const PART_SIZE_MIB = 8;
const QUEUE_SIZE = 4;
const BUCKET = 'visor-bench';

/**
 * Runs the S3 rounds and returns the table rows. `tools` are run.mjs's helpers:
 * startServer(config, name), stop(child), call(method, url, body), curlUpload(url, target, file),
 * curlDownload(url, target), warmUp(url), memory(pid), resetPeak(pid), median(values), seconds(start), mbps(bytes, s).
 */
export async function s3Rows({ file, size, sizeMb, runs, tools }) {
  const rows = [];
  let swift;
  try {
    swift = await startSwift();
  } catch (error) {
    console.log(`S3 benchmark skipped: the Swift all-in-one did not start (${error.message.split('\n')[0]})`);
    return rows;
  }
  const s3 = new S3Client({
    endpoint: swift.endpoint,
    region: swift.region,
    forcePathStyle: true,
    credentials: swift.credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  let server;
  try {
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    server = await tools.startServer(
      {
        stores: {
          default: {
            backend: 's3',
            options: {
              bucket: BUCKET,
              endpoint: swift.endpoint,
              region: swift.region,
              accessKeyId: swift.credentials.accessKeyId,
              secretAccessKey: swift.credentials.secretAccessKey,
              prefix: 'visor',
              partSizeMiB: PART_SIZE_MIB,
              queueSize: QUEUE_SIZE,
            },
          },
        },
      },
      's3',
    );
    const { url, child } = server;
    const rate = (start) => size / tools.seconds(start);
    const gib = size / 2 ** 30;
    const swiftPids = [...swift.processes.values()].map((p) => p.pid).filter((pid) => pid !== undefined);
    /** CPU seconds per GiB of Swift, Visor and this process (the SDK) while `fn` runs, added to `into`. */
    const cpu = { directUp: [], directDown: [], visorUp: [], visorDown: [] };
    const withCpu = async (into, fn) => {
      const before = [treeCpuSeconds(swiftPids), processCpuSeconds(child.pid), process.cpuUsage()];
      const result = await fn();
      const self = process.cpuUsage(before[2]);
      into.push({ swift: (treeCpuSeconds(swiftPids) - before[0]) / gib, visor: (processCpuSeconds(child.pid) - before[1]) / gib, sdk: (self.user + self.system) / 1e6 / gib });
      return result;
    };
    const direct = { up: [], down: [], curl: [] };
    const visor = { up: [], down: [] };
    let uploadPeak = 0;
    let downloadPeak = 0;
    // As for fs: after a 16 MiB warm-up upload (digest worker threads, SDK code loaded), so the growth is the transfers'.
    await tools.warmUp(url);
    const baseline = tools.memory(child.pid).rss;
    for (let i = 0; i < runs; i++) {
      // Straight to Swift with the SDK: the same part size and queue as the store.
      const key = `direct/${i}`;
      spawnSync('sync');
      let start = process.hrtime.bigint();
      await withCpu(cpu.directUp, () => new Upload({ client: s3, params: { Bucket: BUCKET, Key: key, Body: createReadStream(file, { highWaterMark: 1024 * 1024 }) }, partSize: PART_SIZE_MIB * 1024 * 1024, queueSize: QUEUE_SIZE }).done());
      direct.up.push(rate(start));
      spawnSync('sync');
      start = process.hrtime.bigint();
      await withCpu(cpu.directDown, async () => {
        const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
        let received = 0;
        for await (const chunk of object.Body) received += chunk.length;
        if (received !== size) throw new Error(`SDK download: ${received} of ${size} bytes`);
      });
      direct.down.push(rate(start));
      const presigned = await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: key }), { expiresIn: 600 });
      start = process.hrtime.bigint();
      await tools.run('curl', ['-sS', '-f', '-o', '/dev/null', presigned]);
      direct.curl.push(rate(start));
      await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));

      // Through Visor: curl to Visor, Visor to Swift.
      const image = JSON.parse((await tools.call('POST', `${url}/images`, { image: { name: `s3-${i}`, architecture: 'x86_64', format: 'raw' } })).body).image;
      const target = `/images/${image.id}`;
      spawnSync('sync');
      tools.resetPeak(child.pid);
      start = process.hrtime.bigint();
      await withCpu(cpu.visorUp, () => tools.curlUpload(url, target, file));
      visor.up.push(rate(start));
      uploadPeak = Math.max(uploadPeak, tools.memory(child.pid).peak - baseline);
      spawnSync('sync');
      tools.resetPeak(child.pid);
      start = process.hrtime.bigint();
      await withCpu(cpu.visorDown, () => tools.curlDownload(url, target));
      visor.down.push(rate(start));
      downloadPeak = Math.max(downloadPeak, tools.memory(child.pid).peak - baseline);
      await tools.call('DELETE', `${url}${target}`);
    }
    const mb = (r) => (r / 1e6).toFixed(0);
    const figures = (rates) => `runs: ${rates.map(mb).join(', ')} MB/s`;
    const ratio = (a, b) => `${((tools.median(a) / tools.median(b)) * 100).toFixed(0)}%`;
    rows.push([`S3 (Swift) direct upload ${sizeMb} MiB (SDK Upload, ${PART_SIZE_MIB} MiB × ${QUEUE_SIZE}), median of ${runs}`, tools.mbps(tools.median(direct.up), 1), figures(direct.up)]);
    rows.push([`S3 (Swift) upload ${sizeMb} MiB through Visor (curl -T)`, tools.mbps(tools.median(visor.up), 1), `${ratio(visor.up, direct.up)} of direct; ${figures(visor.up)}`]);
    rows.push([`S3 (Swift) direct download ${sizeMb} MiB (SDK GetObject)`, tools.mbps(tools.median(direct.down), 1), figures(direct.down)]);
    rows.push([`S3 (Swift) direct download ${sizeMb} MiB (curl, presigned URL)`, tools.mbps(tools.median(direct.curl), 1), figures(direct.curl)]);
    rows.push([`S3 (Swift) download ${sizeMb} MiB through Visor (curl)`, tools.mbps(tools.median(visor.down), 1), `${ratio(visor.down, direct.down)} of SDK direct, ${ratio(visor.down, direct.curl)} of curl direct; ${figures(visor.down)}`]);
    const med = (list, key) => tools.median(list.map((c) => c[key]));
    const cpuRow = (label, list, who) => {
      const parts = who.map((k) => [k, med(list, k)]);
      const total = parts.reduce((sum, [, v]) => sum + v, 0);
      return [label, `${total.toFixed(2)} CPU s/GiB`, parts.map(([k, v]) => `${k === 'sdk' ? 'SDK (bench process)' : k === 'swift' ? 'Swift' : 'Visor'} ${v.toFixed(2)}`).join(' + ') + ` (curl's own not counted); ${os.availableParallelism()} cores allow at most ${tools.mbps((os.availableParallelism() * 2 ** 30) / total, 1)}`];
    };
    rows.push(cpuRow('  CPU per GiB, direct upload (SDK)', cpu.directUp, ['swift', 'sdk']));
    rows.push(cpuRow('  CPU per GiB, upload through Visor', cpu.visorUp, ['swift', 'visor']));
    rows.push(cpuRow('  CPU per GiB, direct download (SDK)', cpu.directDown, ['swift', 'sdk']));
    rows.push(cpuRow('  CPU per GiB, download through Visor', cpu.visorDown, ['swift', 'visor']));
    const bound = PART_SIZE_MIB * QUEUE_SIZE + 50;
    rows.push([
      'S3 server peak RSS growth during uploads / downloads',
      `+${(uploadPeak / 1048576).toFixed(1)} MiB`,
      `+${(downloadPeak / 1048576).toFixed(1)} MiB (after the warm-up; bound: part ${PART_SIZE_MIB} MiB × queue ${QUEUE_SIZE} + 50 = ${bound} MiB)`,
    ]);
  } finally {
    if (server) await tools.stop(server.child);
    s3.destroy();
    await swift.stop();
  }
  return rows;
}

