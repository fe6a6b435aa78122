import { startSwift, startS3Fronts } from '@visor/test-servers';
import { createWalrusStore } from '@visor/backend-walrus';
import { createCumulusStore } from '@visor/backend-cumulus';
import { S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
const logger = { debug(){}, info(){}, warn: (...a)=>console.log('WARN', ...a), error: (...a)=>console.log('ERR', ...a), child(){return this;} };
const swift = await startSwift();
const fronts = await startS3Fronts(Number(new URL(swift.endpoint).port));
try {
  const admin = new S3Client({ endpoint: swift.endpoint, region: swift.region, forcePathStyle: true, credentials: swift.credentials });
  await admin.send(new CreateBucketCommand({ Bucket: 'images' }));
  const ctx = (n) => ({ name: n, dataDir: '/x', baseDir: '/x', optionsKey: `stores.${n}.options`, logger });
  const walrus = await createWalrusStore({ host: '127.0.0.1', port: fronts.walrusPort, bucket: 'images', accessKeyId: swift.credentials.accessKeyId, secretAccessKey: swift.credentials.secretAccessKey, partSizeMiB: 5, prefix: 'w' }, ctx('w'));
  console.log('walrus health', await walrus.health());
  const data = randomBytes(12 * 1024 * 1024 + 5);
  const put = await walrus.put('k1', Readable.from([data]), { size: data.length });
  console.log('walrus put', put);
  const got = await walrus.get(put.location, { range: { start: 10, end: 19 } });
  const chunks = []; for await (const c of got.body) chunks.push(c);
  console.log('walrus range ok', Buffer.concat(chunks).equals(data.subarray(10, 20)), got.info);
  const url = await walrus.redirectUrl(put.location, { expiresIn: 60, method: 'GET' });
  console.log(url);
  console.log(execFileSync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code} %{size_download}', url]).toString());
  const cumulus = await createCumulusStore({ host: '127.0.0.1', port: fronts.cumulusPort, bucket: 'images', accessKeyId: swift.credentials.accessKeyId, secretAccessKey: swift.credentials.secretAccessKey, prefix: 'c' }, ctx('c'));
  console.log('cumulus health', await cumulus.health());
  const p2 = await cumulus.put('k2', Readable.from([data.subarray(0, 7e6), data.subarray(7e6)]), { size: data.length });
  console.log('cumulus put', p2);
  const g2 = await cumulus.get(p2.location, { range: { start: 9e6, end: 9e6 + 99 } });
  const c2 = []; for await (const c of g2.body) c2.push(c);
  console.log('cumulus range ok', Buffer.concat(c2).equals(data.subarray(9e6, 9e6 + 100)), g2.info);
  console.log(execFileSync('curl', ['-s', '-D', '-', '-o', '/dev/null', '-H', 'Range: bytes=0-9', `http://127.0.0.1:${fronts.cumulusPort}/images/c/k2`]).toString());
  await walrus.close(); await cumulus.close(); admin.destroy();
} catch (e) { console.log('FAIL', e, e.cause); console.log(swift.logs().slice(-10).join('\n')); console.log(fronts.nginx.errorLog().slice(-2000)); }
finally { await fronts.stop(); await swift.stop(); }
