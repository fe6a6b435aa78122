// The S3 part of `npm run bench`: the S3 backend against the OpenStack Swift all-in-one
// (@visor/test-servers), 1 GiB (BENCH_SIZE_MB) up and down through Visor beside the same
// transfers straight to Swift (AWS SDK lib-storage Upload / GetObject, and curl on a presigned
// URL), as ratios measured in the same run; and the Visor server's peak RSS growth during its
// transfers, against the bound partSize × queueSize + 50 MiB. BENCH_S3=0 skips it.
import { spawnSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { startSwift } from '../packages/test-servers/dist/src/index.js';

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
      await new Upload({ client: s3, params: { Bucket: BUCKET, Key: key, Body: createReadStream(file, { highWaterMark: 1024 * 1024 }) }, partSize: PART_SIZE_MIB * 1024 * 1024, queueSize: QUEUE_SIZE }).done();
      direct.up.push(rate(start));
      spawnSync('sync');
      start = process.hrtime.bigint();
      const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      let received = 0;
      for await (const chunk of object.Body) received += chunk.length;
      if (received !== size) throw new Error(`SDK download: ${received} of ${size} bytes`);
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
      await tools.curlUpload(url, target, file);
      visor.up.push(rate(start));
      uploadPeak = Math.max(uploadPeak, tools.memory(child.pid).peak - baseline);
      spawnSync('sync');
      tools.resetPeak(child.pid);
      start = process.hrtime.bigint();
      await tools.curlDownload(url, target);
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

