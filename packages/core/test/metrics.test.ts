import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { authorizationHeader } from '@visor/client';
import { freePort, request, type HttpResponse } from '@visor/test-support';
import { resolveConfig } from '../src/config/index.js';
import { startVisor, type TestVisor } from './helpers/test-visor.js';
import { waitFor } from './helpers/wait-for.js';

const ADMIN = { accessKey: 'root', secret: 'cm9vdC1zZWNyZXQtZm9yLW1ldHJpY3MtdGVzdHMtMDAwMA==' };
const AUTH = { name: 'auth', options: { env: { VISOR_ADMIN_ACCESS_KEY: ADMIN.accessKey, VISOR_ADMIN_SECRET_KEY: ADMIN.secret } } };

type Keys = { accessKey: string; secret: string };

function signed(keys: Keys, method: string, url: string, headers: Record<string, string> = {}): Record<string, string> {
  const target = new URL(url);
  const all = { ...headers, 'x-visor-date': new Date().toUTCString() };
  return { ...all, authorization: authorizationHeader(keys.accessKey, keys.secret, { method, path: target.pathname, query: target.search.slice(1), headers: all }) };
}

function send(keys: Keys, method: string, url: string, body?: string | Buffer | object, headers: Record<string, string> = {}): Promise<HttpResponse> {
  const json = body !== undefined && typeof body === 'object' && !Buffer.isBuffer(body);
  const all = json ? { 'content-type': 'application/json', ...headers } : headers;
  return request(method, url, { headers: signed(keys, method, url, all), ...(body === undefined ? {} : { body }) });
}

/** The value of one sample of the exposition (`name{labels}`), or undefined when it is absent. */
function sample(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

describe('GET /metrics on the REST API (auth on: admins only)', () => {
  let server: TestVisor;
  let scrape: () => Promise<string>;

  before(async () => {
    server = await startVisor({ plugins: [AUTH] });
    scrape = async () => {
      const res = await send(ADMIN, 'GET', `${server.url}/metrics`);
      assert.equal(res.status, 200, res.text);
      return res.text;
    };
  });
  after(() => server.close());

  it('refuses unsigned requests (401) and non-admins (403)', async () => {
    const anonymous = await request('GET', `${server.url}/metrics`);
    assert.equal(anonymous.status, 401);
    const created = await send(ADMIN, 'POST', `${server.url}/users`, { user: { access_key: 'carol', email: 'carol@example.org' } });
    assert.equal(created.status, 201, created.text);
    const carol = { accessKey: 'carol', secret: created.json().user.secret_key as string };
    const refused = await send(carol, 'GET', `${server.url}/metrics`);
    assert.equal(refused.status, 403);
    assert.equal(refused.json().message, 'only admins may read metrics');
  });

  it('serves the Prometheus text format with process and database pool metrics', async () => {
    const res = await send(ADMIN, 'GET', `${server.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    assert.match(res.text, /^# HELP visor_http_requests_total /m);
    assert.match(res.text, /^# TYPE visor_http_request_duration_seconds histogram$/m);
    assert.ok(sample(res.text, 'process_cpu_user_seconds_total')! > 0, 'process CPU time');
    assert.ok(sample(res.text, 'nodejs_heap_size_total_bytes')! > 0, 'heap size');
    assert.notEqual(sample(res.text, 'visor_db_pool_connections{state="used"}'), undefined);
    assert.notEqual(sample(res.text, 'visor_db_pool_connections{state="free"}'), undefined);
  });

  it('counts requests by route and status, bytes per store, failed uploads by cause, backend calls and their errors', async () => {
    const first = await scrape();
    const base = (series: string) => sample(first, series) ?? 0;
    const file = Buffer.alloc(3000, 7);
    const reg = await send(ADMIN, 'POST', `${server.url}/images`, { image: { name: 'metered', architecture: 'x86_64' } });
    assert.equal(reg.status, 201);
    const id = reg.json().image.id as string;
    const up = await send(ADMIN, 'PUT', `${server.url}/images/${id}`, file, { 'content-type': 'application/octet-stream' });
    assert.equal(up.status, 200, up.text);
    const down = await send(ADMIN, 'GET', `${server.url}/images/${id}`);
    assert.equal(down.body.length, 3000);
    // A failed upload: the declared MD5 is wrong.
    const other = (await send(ADMIN, 'POST', `${server.url}/images`, { image: { name: 'bad digest', architecture: 'x86_64' } })).json().image.id as string;
    const bad = await send(ADMIN, 'PUT', `${server.url}/images/${other}`, Buffer.alloc(500, 1), {
      'content-type': 'application/octet-stream',
      'x-image-meta-checksum': createHash('md5').update('something else').digest('hex'),
    });
    assert.equal(bad.status, 400);
    assert.equal((await send(ADMIN, 'GET', `${server.url}/no/such/path`)).status, 404);
    // A file gone from its store: the backend call fails.
    await unlink(fileURLToPath(up.json().image.location as string));
    assert.equal((await send(ADMIN, 'GET', `${server.url}/images/${id}`)).status, 502);

    // After-hooks run detached: wait until the failed upload is counted.
    let text = '';
    await waitFor('the failed upload to be counted', async () => {
      text = await scrape();
      return (sample(text, 'visor_upload_failures_total{store="default",cause="BadDigest"}') ?? 0) === 1;
    });
    const delta = (series: string) => (sample(text, series) ?? 0) - base(series);
    assert.equal(delta('visor_http_requests_total{method="PUT",route="/images/:id",status="200"}'), 1);
    assert.equal(delta('visor_http_requests_total{method="PUT",route="/images/:id",status="400"}'), 1);
    assert.equal(delta('visor_http_requests_total{method="POST",route="/images",status="201"}'), 2);
    assert.equal(delta('visor_http_requests_total{method="GET",route="unmatched",status="404"}'), 1);
    assert.equal(delta('visor_http_requests_total{method="GET",route="/images/:id",status="502"}'), 1);
    assert.equal(delta('visor_http_request_duration_seconds_count{method="PUT",route="/images/:id",status="200"}'), 1);
    assert.equal(delta('visor_http_request_duration_seconds_bucket{le="+Inf",method="PUT",route="/images/:id",status="200"}'), 1);
    assert.equal(delta('visor_uploaded_bytes_total{store="default"}'), 3000 + 500);
    assert.equal(delta('visor_downloaded_bytes_total{store="default"}'), 3000);
    assert.ok(delta('visor_backend_call_duration_seconds_count{store="default",operation="put"}') >= 1);
    const errors = text.split('\n').filter((line) => line.startsWith('visor_backend_call_errors_total{store="default"'));
    assert.ok(errors.length > 0 && errors.some((line) => Number(line.split(' ')[1]) > 0), `backend errors counted:\n${errors.join('\n')}`);
    assert.equal(sample(text, 'visor_transfers_in_flight{direction="upload",store="default"}'), 0);
    assert.equal(sample(text, 'visor_transfers_in_flight{direction="download",store="default"}'), 0);
  });

  it('shows an upload in flight while its body is still arriving', async () => {
    const id = (await send(ADMIN, 'POST', `${server.url}/images`, { image: { name: 'slow', architecture: 'x86_64' } })).json().image.id as string;
    const url = `${server.url}/images/${id}`;
    const req = http.request(url, { method: 'PUT', headers: signed(ADMIN, 'PUT', url, { 'content-type': 'application/octet-stream' }) });
    const answered = new Promise<number>((resolve, reject) => {
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      });
      req.on('error', reject);
    });
    req.write(Buffer.alloc(1000, 2));
    const inFlight = 'visor_transfers_in_flight{direction="upload",store="default"}';
    await waitFor('the upload to show as in flight', async () => sample(await scrape(), inFlight) === 1);
    req.end(Buffer.alloc(1000, 3));
    assert.equal(await answered, 200);
    assert.equal(sample(await scrape(), inFlight), 0);
  });
});

describe('metrics on a separate listener (metrics.port)', () => {
  let server: TestVisor;
  before(async () => {
    server = await startVisor({ metrics: { port: await freePort() } });
  });
  after(() => server.close());

  it('serves GET /metrics there without authentication, and not on the REST API', async () => {
    const url = server.visor.metricsUrl!;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    await request('GET', `${server.url}/status`);
    const res = await request('GET', url);
    assert.equal(res.status, 200);
    assert.ok((sample(res.text, 'visor_http_requests_total{method="GET",route="/status",status="200"}') ?? 0) >= 1, res.text.slice(0, 500));
    assert.equal((await request('GET', `${server.url}/metrics`)).status, 404);
    assert.equal((await request('GET', url.replace('/metrics', '/other'))).status, 404);
    assert.equal((await request('POST', url)).status, 405);
  });

  it('stops with the server', async () => {
    const url = server.visor.metricsUrl!;
    await server.visor.close();
    await assert.rejects(request('GET', url), /ECONNREFUSED/);
  });
});

describe('metrics settings', () => {
  it('metrics.enabled: false serves no /metrics', async () => {
    const server = await startVisor({ metrics: { enabled: false } });
    try {
      assert.equal(server.visor.metrics, undefined);
      assert.equal((await request('GET', `${server.url}/metrics`)).status, 404);
    } finally {
      await server.close();
    }
  });

  it('validates the section, naming the key', () => {
    const resolve = (metrics: unknown) => resolveConfig({ metrics }, { baseDir: '/tmp' });
    assert.deepEqual(resolve(undefined).metrics, { enabled: true, host: '127.0.0.1', port: null });
    assert.deepEqual(resolve({ port: 9464, host: '0.0.0.0' }).metrics, { enabled: true, host: '0.0.0.0', port: 9464 });
    assert.throws(() => resolve({ port: 'x' }), /metrics\.port/);
    assert.throws(() => resolve({ enabled: 'yes' }), /metrics\.enabled/);
    assert.throws(() => resolve({ listen: 1 }), /metrics\.listen/);
  });
});

describe('request ids', () => {
  let server: TestVisor;
  before(async () => {
    server = await startVisor();
  });
  after(() => server.close());

  it('keeps a valid x-request-id a client sends, and replaces one that is too long or holds unsafe characters', async () => {
    const kept = await request('GET', `${server.url}/images`, { headers: { 'x-request-id': 'nginx-7f3a9c:12@edge.1' } });
    assert.equal(kept.headers['x-request-id'], 'nginx-7f3a9c:12@edge.1');
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    for (const bad of ['a'.repeat(129), 'has space', 'quote"d', 'new%0Aline', '']) {
      const res = await request('GET', `${server.url}/images`, { headers: { 'x-request-id': bad } });
      assert.match(String(res.headers['x-request-id']), uuid, `for ${JSON.stringify(bad)}`);
    }
    const longest = 'b'.repeat(128);
    assert.equal((await request('GET', `${server.url}/images`, { headers: { 'x-request-id': longest } })).headers['x-request-id'], longest);
    const unknownRoute = await request('GET', `${server.url}/nowhere`, { headers: { 'x-request-id': 'lost-1' } });
    assert.equal(unknownRoute.headers['x-request-id'], 'lost-1');
  });

  it('every log line written for a request carries its id (handler, backend calls, after-hooks)', async () => {
    const reg = await request('POST', `${server.url}/images`, { headers: { 'x-request-id': 'reg-1' }, body: { image: { name: 'logged', architecture: 'x86_64' } } });
    const id = reg.json().image.id as string;
    server.logs.length = 0;
    const up = await request('PUT', `${server.url}/images/${id}`, { headers: { 'x-request-id': 'upload-42', 'content-type': 'application/octet-stream' }, body: Buffer.alloc(100, 1) });
    assert.equal(up.status, 200);
    const lines = server.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    const backendCalls = lines.filter((line) => line.msg === 'backend call');
    assert.ok(backendCalls.length >= 1, `backend calls logged: ${server.logs.join('')}`);
    for (const line of lines) assert.equal(line.request, 'upload-42', JSON.stringify(line));
  });
});
