import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { authorizationHeader } from '@visor/client';
import { request, type HttpResponse } from '@visor/test-support';
import { OPENAPI_FILE } from '../src/http/routes/openapi-route.js';
import { startVisor, type TestVisor } from './helpers/test-visor.js';

// ajv-formats is CommonJS: its default export arrives as the module object under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void;

const ADMIN = { accessKey: 'root', secret: 'cm9vdC1zZWNyZXQtZm9yLW9wZW5hcGktdGVzdHMtMDAwMA==' };
const PLUGINS = [{ name: 'auth', options: { env: { VISOR_ADMIN_ACCESS_KEY: ADMIN.accessKey, VISOR_ADMIN_SECRET_KEY: ADMIN.secret } } }, 'tracking'];
const DOC = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as OpenApi;
const METHODS = ['get', 'head', 'post', 'put', 'delete'] as const;

interface OpenApi {
  paths: Record<string, Record<string, any>>;
  components: Record<string, Record<string, any>>;
}

/** The object a `$ref` (`#/components/…`) points at, or the object itself. */
function deref(value: any): any {
  if (value === undefined || typeof value.$ref !== 'string') return value;
  return value.$ref.slice(2).split('/').reduce((node: any, key: string) => node[key.replace(/~1/g, '/').replace(/~0/g, '~')], DOC);
}

/** The path template of the document that matches a request path; literal templates win over parameters. */
function templateOf(path: string): string | undefined {
  const matches = Object.keys(DOC.paths).filter((template) => new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path));
  return matches.sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0))[0];
}

/** Checks real responses against the document with ajv (JSON Schema 2020-12) and records which operations were seen. */
class ResponseChecker {
  readonly seen = new Set<string>();
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor() {
    addFormats(this.ajv);
    this.ajv.addSchema({ ...DOC, $id: 'visor-openapi' } as object);
  }

  check(method: string, url: string, res: HttpResponse): void {
    const path = new URL(url).pathname;
    const template = templateOf(path);
    assert.ok(template, `${method} ${path} is not described`);
    const item = DOC.paths[template]!;
    const name = method.toLowerCase();
    const operation = item[name] ?? (name === 'head' ? item.get : undefined);
    assert.ok(operation, `${method} ${template} is not described`);
    this.seen.add(`${name} ${template}`);
    const key = String(res.status);
    const responseRef = operation.responses[key] ?? operation.responses.default;
    assert.ok(responseRef, `${method} ${template} answered ${res.status}, a status the document does not list`);
    const response = deref(responseRef);
    for (const [header, spec] of Object.entries<any>(response.headers ?? {})) {
      const resolved = deref(spec);
      if (resolved.required) assert.ok(res.headers[header] !== undefined, `${method} ${template} ${res.status}: header ${header} missing`);
      if (res.headers[header] !== undefined && resolved.schema?.pattern) {
        assert.match(String(res.headers[header]), new RegExp(resolved.schema.pattern), `${method} ${template}: header ${header}`);
      }
    }
    const type = String(res.headers['content-type'] ?? '');
    if (name === 'head' || res.body.length === 0) return;
    const media = type.split(';')[0]!.trim();
    assert.ok(response.content?.[media], `${method} ${template} ${res.status}: content type ${media} not described`);
    if (media !== 'application/json') return;
    const pointer = (responseRef.$ref ? responseRef.$ref.slice(1) : `/paths/${template.replace(/\//g, '~1')}/${operation === item[name] ? name : 'get'}/responses/${key in operation.responses ? key : 'default'}`) + '/content/application~1json/schema';
    let validate = this.compiled.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `visor-openapi#${pointer}` });
      this.compiled.set(pointer, validate);
    }
    const body = JSON.parse(res.text);
    assert.ok(validate(body), `${method} ${template} ${res.status} does not match the document: ${this.ajv.errorsText(validate.errors)}\n${res.text.slice(0, 400)}`);
  }
}

describe('the OpenAPI description (packages/core/openapi/openapi.json)', () => {
  let server: TestVisor;
  const checker = new ResponseChecker();

  /** A real request, signed as the admin unless `unsigned`, whose response is checked against the document. */
  async function call(method: string, target: string, options: { body?: string | Buffer | object; headers?: Record<string, string>; unsigned?: boolean } = {}): Promise<HttpResponse> {
    const url = target.startsWith('http') ? target : `${server.url}${target}`;
    const json = options.body !== undefined && typeof options.body === 'object' && !Buffer.isBuffer(options.body);
    const headers: Record<string, string> = json ? { 'content-type': 'application/json', ...options.headers } : { ...options.headers };
    if (!options.unsigned) {
      headers['x-visor-date'] = new Date().toUTCString();
      const parsed = new URL(url);
      headers.authorization = authorizationHeader(ADMIN.accessKey, ADMIN.secret, { method, path: parsed.pathname, query: parsed.search.slice(1), headers });
    }
    const res = await request(method, url, { headers, ...(options.body === undefined ? {} : { body: options.body }) });
    checker.check(method, url, res);
    return res;
  }

  /** An upload of `bytes` (chunked) with `trailers` after it, announced in `Trailer` as `announce`; signed, and checked like `call`'s. */
  async function callWithTrailers(method: string, target: string, headers: Record<string, string>, bytes: Buffer, announce: string, trailers: Record<string, string>): Promise<HttpResponse> {
    const url = `${server.url}${target}`;
    const all: Record<string, string> = { 'content-type': 'application/octet-stream', trailer: announce, ...headers, 'x-visor-date': new Date().toUTCString() };
    all.authorization = authorizationHeader(ADMIN.accessKey, ADMIN.secret, { method, path: target, query: '', headers: all });
    const res = await new Promise<HttpResponse>((resolve, reject) => {
      const req = http.request(url, { method, headers: all }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          const body = Buffer.concat(chunks);
          const text = body.toString('utf8');
          resolve({ status: answer.statusCode!, headers: answer.headers, body, text, json: () => JSON.parse(text) });
        });
      });
      req.on('error', reject);
      req.write(bytes);
      req.addTrailers(trailers);
      req.end();
    });
    checker.check(method, url, res);
    return res;
  }

  before(async () => {
    server = await startVisor({ plugins: PLUGINS });
  });
  after(() => server?.close());

  it('is a valid OpenAPI 3.1 document (@seriousme/openapi-schema-validator)', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(DOC) as object);
    assert.equal(validator.version, '3.1');
    assert.ok(result.valid, JSON.stringify(result.errors, null, 2));
  });

  it('is served at GET /openapi.json without signing, as the file in the repository', async () => {
    const res = await call('GET', '/openapi.json', { unsigned: true });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), DOC);
  });

  it('describes every answer of every route, checked over real HTTP', async () => {
    assert.equal((await call('GET', '/status', { unsigned: true })).status, 200);
    assert.equal((await call('GET', '/metrics')).status, 200);
    assert.equal((await call('GET', '/plugins')).status, 200);
    const a = (await call('POST', '/images', { body: { image: { name: 'Debian 12', architecture: 'x86_64', format: 'qcow2', distro: 'debian', release: 12 } } }));
    assert.equal(a.status, 201);
    const idA = a.json().image.id as string;
    const b = await call('POST', '/images', { body: Buffer.from('0123456789'.repeat(10)), headers: { 'content-type': 'application/octet-stream', 'x-image-meta-name': 'with%20file', 'x-image-meta-architecture': 'aarch64' } });
    assert.equal(b.status, 201);
    const idB = b.json().image.id as string;
    const page = await call('GET', '/images?limit=1');
    assert.ok(page.json().next);
    await call('GET', page.json().next as string);
    assert.equal((await call('GET', '/images/detail?sort=name&dir=desc')).status, 200);
    assert.equal((await call('HEAD', `/images/${idB}`)).status, 200);
    assert.equal((await call('GET', `/images/${idB}/meta`)).status, 200);
    const file = await call('GET', `/images/${idB}`);
    assert.equal(file.status, 200);
    assert.equal((await call('GET', `/images/${idB}`, { headers: { range: 'bytes=0-9' } })).status, 206);
    assert.equal((await call('GET', `/images/${idB}`, { headers: { 'if-none-match': String(file.headers.etag) } })).status, 304);
    assert.equal((await call('PUT', `/images/${idA}`, { body: { image: { name: 'Debian 12.8', release: null, lts: true } } })).status, 200);
    assert.equal((await call('PUT', `/images/${idA}`, { body: Buffer.from('file of a'), headers: { 'content-type': 'application/octet-stream' } })).status, 200);
    const presigned = await call('POST', `/images/${idB}/url?ttl=60`);
    assert.equal(presigned.status, 200);
    assert.equal((await call('GET', presigned.json().presigned_url.url as string, { unsigned: true })).status, 200);

    assert.equal((await call('POST', '/users', { body: { user: { access_key: 'bob', email: 'bob@example.org' } } })).status, 201);
    assert.equal((await call('GET', '/users')).status, 200);
    assert.equal((await call('GET', '/users/me')).status, 200);
    assert.equal((await call('GET', '/users/bob')).status, 200);
    assert.equal((await call('PUT', '/users/bob', { body: { user: { email: 'robert@example.org' } } })).status, 200);
    assert.equal((await call('POST', '/users/bob/rotate')).status, 200);
    assert.equal((await call('PUT', `/images/${idB}/members/bob`)).status, 204);
    assert.equal((await call('GET', `/images/${idB}/members`)).status, 200);
    assert.equal((await call('DELETE', `/images/${idB}/members/bob`)).status, 204);
    assert.equal((await call('GET', `/images/${idB}/history?limit=2`)).status, 200);
    assert.equal((await call('GET', '/stats')).status, 200);
    assert.equal((await call('DELETE', '/users/bob')).status, 204);
    assert.equal((await call('DELETE', `/images/${idA}`)).status, 200);

    // Errors: each answer is an error document the document describes.
    assert.equal((await call('GET', '/images', { unsigned: true })).status, 401);
    assert.equal((await call('GET', `/images/${idA}/meta`)).status, 404);
    assert.equal((await call('POST', '/images', { body: { image: { name: 'x', architecture: 'sparc' } } })).status, 400);
    assert.equal((await call('GET', '/images?limit=0')).status, 400);
    assert.equal((await call('HEAD', `/images/${idA}`)).status, 404);
    assert.equal((await call('GET', '/images', { headers: { accept: 'text/csv' } })).status, 406);
    const locked = (await call('POST', '/images', { body: { image: { name: 'no file', architecture: 'x86_64' } } })).json().image.id as string;
    assert.equal((await call('GET', `/images/${locked}`)).status, 409);
    assert.equal((await call('GET', `/images/${idB}`, { headers: { range: 'bytes=500-600' } })).status, 416);
    assert.equal((await call('POST', '/images', { body: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status, 415);
    assert.equal((await call('GET', '/users/nobody')).status, 404);

    // Digests as trailers after a chunked upload: stored when they match; the error names a trailer that did not come.
    const bytes = Buffer.from('trailed image bytes');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const meta = { 'x-image-meta-name': 'trailed', 'x-image-meta-architecture': 'x86_64' };
    assert.equal((await callWithTrailers('POST', '/images', meta, bytes, 'x-image-meta-sha256', { 'x-image-meta-sha256': sha256 })).status, 201);
    const missing = await callWithTrailers('PUT', `/images/${locked}`, {}, bytes, 'x-image-meta-sha256', {});
    assert.equal(missing.status, 400);
    assert.equal(missing.json().trailer, 'x-image-meta-sha256');
  });

  it('covers every operation it describes, and every route the server serves', () => {
    const described = Object.entries(DOC.paths).flatMap(([template, item]) => METHODS.filter((m) => item[m]).map((m) => `${m} ${template}`));
    const missed = described.filter((operation) => !checker.seen.has(operation));
    assert.deepEqual(missed, [], 'operations no test request reached');
    const routes = ((server.visor as unknown as { server: { getDebugInfo(): { routes: Array<{ method: string; path: string }> } } }).server.getDebugInfo().routes);
    assert.ok(routes.length >= 20, `${routes.length} routes`);
    for (const route of routes) {
      const template = route.path.replace(/:([a-z_]+)/g, '{$1}');
      const item = DOC.paths[template];
      const method = route.method.toLowerCase();
      assert.ok(item && (item[method] || (method === 'head' && item.get)), `${route.method} ${route.path} is served but not described`);
    }
  });
});
