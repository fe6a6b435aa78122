import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { verifyPlugin } from '@visor/backend-testsuite';
import { authorizationHeader } from '@visor/client';
import { createVisor, silentLogger, type Visor } from '@visor/core';
import { ConfigError } from '@visor/plugin-api';
import { startEmulatedDialects, type EmulatedDialects } from '@visor/test-servers';
import { cumulusOptions } from './support/cumulus-target.js';

const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** Whether the server said `100 Continue`. */
  continued: boolean;
}

/** A signed request with Visor's reference signing; `body` sent only after `100 Continue` when `expectContinue`. */
function send(url: string, keys: { access_key: string; secret_key: string }, method: string, path: string, options: { headers?: Record<string, string>; body?: Buffer; chunked?: boolean; expectContinue?: boolean } = {}): Promise<Answer> {
  const headers: Record<string, string> = { 'x-visor-date': new Date().toUTCString(), ...options.headers };
  headers.authorization = authorizationHeader(keys.access_key, keys.secret_key, { method, path, query: '', headers });
  if (options.chunked) headers['transfer-encoding'] = 'chunked';
  else if (options.body) headers['content-length'] = String(options.body.length);
  if (options.expectContinue) headers.expect = '100-continue';
  return new Promise((resolve, reject) => {
    let continued = false;
    const req = http.request(`${url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks), continued }));
    });
    req.on('error', reject);
    if (options.expectContinue) {
      req.on('continue', () => {
        continued = true;
        req.end(options.body);
      });
    } else req.end(options.body);
  });
}

describe('cumulus through Visor (emulated: nginx + Swift s3api)', () => {
  let target: EmulatedDialects;
  let visor: Visor;
  let url: string;
  let dataDir: string;
  let keys: { access_key: string; secret_key: string };
  let options: Record<string, unknown>;

  before(async () => {
    target = await startEmulatedDialects();
    options = cumulusOptions(target);
    dataDir = await mkdtemp(join(tmpdir(), 'visor-cumulus-'));
    visor = await createVisor({ dataDir, port: 0, stores: { nimbus: { backend: 'cumulus', options } }, defaultStore: 'nimbus' }, { logger: silentLogger });
    url = (await visor.listen()).url;
    keys = JSON.parse(await readFile(join(dataDir, 'admin-credentials.json'), 'utf8'));
  });
  after(async () => {
    await visor?.close();
    await rm(dataDir, { recursive: true, force: true });
    await target?.stop();
  });

  const json = { 'content-type': 'application/json' };
  const octet = { 'content-type': 'application/octet-stream' };

  it('an upload of unknown length is refused with 411 before a byte is read (no 100 Continue), saying why; nothing reaches Cumulus', async () => {
    const created = await send(url, keys, 'POST', '/images', { headers: json, body: Buffer.from(JSON.stringify({ image: { name: 'no-size', architecture: 'x86_64', access: 'private' } })) });
    assert.equal(created.status, 201, created.body.toString());
    const id = JSON.parse(created.body.toString()).image.id as string;
    const refused = await send(url, keys, 'PUT', `/images/${id}`, { headers: octet, body: randomBytes(100_000), chunked: true, expectContinue: true });
    assert.equal(refused.status, 411);
    assert.equal(refused.continued, false, 'the client was never asked for its body');
    assert.match(JSON.parse(refused.body.toString()).message, /store 'nimbus' needs the image's size before the upload starts/);
    assert.deepEqual(await target.listRaw(options.prefix as string), []);
  });

  it('an upload with a Content-Length goes through as one PUT; a ranged download answers 206 with exactly the bytes', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 11);
    const created = await send(url, keys, 'POST', '/images', { headers: json, body: Buffer.from(JSON.stringify({ image: { name: 'sized', architecture: 'x86_64', access: 'private' } })) });
    const id = JSON.parse(created.body.toString()).image.id as string;
    const uploaded = await send(url, keys, 'PUT', `/images/${id}`, { headers: octet, body: data, expectContinue: true });
    assert.equal(uploaded.status, 200, uploaded.body.toString());
    const image = JSON.parse(uploaded.body.toString()).image;
    assert.equal(image.status, 'available');
    assert.equal(image.location, `cumulus://${target.bucket}/${options.prefix as string}${id}`);
    const ranged = await send(url, keys, 'GET', `/images/${id}`, { headers: { range: 'bytes=2000000-2000099' } });
    assert.equal(ranged.status, 206);
    assert.equal(ranged.headers['content-range'], `bytes 2000000-2000099/${data.length}`);
    assert.ok(ranged.body.equals(data.subarray(2_000_000, 2_000_100)));
  });

  it('verifyPlugin: the core loads the package through its real loader, with the Cumulus capabilities; a bad option names itself', async () => {
    const verified = await verifyPlugin(PACKAGE_DIR, { options: cumulusOptions(target) });
    assert.equal(verified.packageName, '@visor/backend-cumulus');
    assert.equal(verified.apiVersion, '1.0');
    assert.equal(verified.health?.ok, true);
    assert.deepEqual(verified.capabilities, {
      write: true,
      delete: true,
      rangeReads: false,
      positionalReads: false,
      redirects: false,
      locateBeforeWrite: true,
      sizeRequired: true,
      registerLocations: false,
    });
    await assert.rejects(
      verifyPlugin(PACKAGE_DIR, { options: { ...cumulusOptions(target), partSizeMiB: 5 } }),
      (error: unknown) => error instanceof ConfigError && /stores\.default\.options\.partSizeMiB/.test(error.message),
    );
  });
});
