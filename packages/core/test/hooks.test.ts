import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { SyncHook } from 'tapable';
import {
  ConflictError,
  ForbiddenError,
  InvalidFieldError,
  NotFoundError,
  PluginError,
  createVisor,
  type AccessDecision,
  type Image,
  type ImageAction,
  type OperationContext,
  type RequestContext,
  type TransferStats,
} from '../src/index.js';
import { get, request } from '@visor/test-support';
import { csvEncoder, extension, logRecords, parseXml } from './helpers/plugin-kit.js';
import { waitFor } from './helpers/wait-for.js';
import { makeDataDir, memoryLogger, startVisor, X86, type TestVisor } from './helpers/test-visor.js';
import { abandonDownload } from './helpers/uploads-in-flight.js';

const octet = { 'content-type': 'application/octet-stream' };
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

const DOCUMENTED_HOOKS = [
  'beforeStart', 'afterListen', 'beforeClose', 'registerRoutes',
  'beforeRequest', 'authorizeImage', 'beforeList',
  'chooseStore', 'beforeRegister', 'afterRegister', 'beforeUpload', 'afterUpload', 'afterUploadFailed',
  'beforeDownload', 'afterDownload', 'afterReadMetadata',
  'beforeUpdate', 'afterUpdate', 'beforeDelete', 'afterDelete',
  'mapError',
  'encodeResponse', 'decodeRequest',
];

/** Sets the principal from `x-user` (and `x-role`) headers; `x-user: mallory` is refused. */
const headerAuth = extension('header-auth', (visor) => {
  visor.hooks.beforeRequest.tap('header-auth', (context) => {
    const user = context.headers['x-user'];
    if (user === 'mallory') throw new ForbiddenError('mallory is banned');
    if (typeof user === 'string') context.principal = { id: user, role: context.headers['x-role'] === 'admin' ? 'admin' : 'user' };
  });
});

describe('hooks: the hooks object and the life cycle', () => {
  it('is frozen and has every documented hook, each tappable', async () => {
    let replaceInApply: unknown;
    const t = await startVisor({
      plugins: [
        extension('meddler', (visor) => {
          try {
            (visor.hooks as unknown as Record<string, unknown>).beforeRequest = new SyncHook();
          } catch (error) {
            replaceInApply = error;
          }
        }),
      ],
    });
    try {
      const hooks = t.visor.hooks as unknown as Record<string, { tap?: unknown }>;
      assert.deepEqual(Object.keys(hooks).sort(), [...DOCUMENTED_HOOKS].sort());
      for (const name of DOCUMENTED_HOOKS) assert.equal(typeof hooks[name]?.tap, 'function', name);
      assert.ok(Object.isFrozen(hooks));
      const original = hooks.beforeRequest;
      assert.throws(() => {
        hooks.myHook = new SyncHook();
      }, TypeError);
      assert.throws(() => {
        hooks.beforeRequest = new SyncHook();
      }, TypeError);
      assert.throws(() => {
        delete hooks.afterDelete;
      }, TypeError);
      assert.equal(hooks.beforeRequest, original);
      assert.equal('myHook' in hooks, false);
      assert.ok(replaceInApply instanceof TypeError, 'a plugin cannot replace a hook during apply either');
    } finally {
      await t.close();
    }
  });

  it('runs apply, beforeStart, afterListen (with the URL) and beforeClose in that order', async () => {
    const events: string[] = [];
    const t = await startVisor({
      plugins: [
        extension('life', (visor) => {
          events.push('apply');
          visor.hooks.beforeStart.tap('life', () => void events.push('beforeStart'));
          visor.hooks.afterListen.tap('life', ({ url }) => void events.push(`afterListen ${url}`));
          visor.hooks.beforeClose.tap('life', () => void events.push('beforeClose'));
        }),
      ],
    });
    assert.deepEqual(events, ['apply', 'beforeStart', `afterListen ${t.url}`]);
    await t.close();
    assert.deepEqual(events, ['apply', 'beforeStart', `afterListen ${t.url}`, 'beforeClose']);
  });

  it('a failing afterListen tap is logged and does not fail listen()', async () => {
    const dataDir = await makeDataDir();
    const logs: string[] = [];
    const visor = await createVisor(
      {
        dataDir,
        port: 0,
        plugins: [
          extension('bad-listener', (v) => {
            v.hooks.afterListen.tap('bad-listener', () => {
              throw new Error('listener exploded');
            });
          }),
        ],
      },
      { logger: memoryLogger(logs) },
    );
    try {
      const { url } = await visor.listen();
      assert.equal(visor.url, url);
      assert.equal((await get(`${url}/status`)).status, 200);
      const failures = logRecords(logs, 'afterListen');
      assert.equal(failures.length, 1);
      assert.equal(failures[0]!.level, 'error');
      assert.equal(failures[0]!.hook, 'afterListen');
    } finally {
      await visor.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('a plugin whose apply throws stops createVisor with a PluginError naming it', async () => {
    const dataDir = await makeDataDir();
    try {
      await assert.rejects(
        createVisor({ dataDir, plugins: [extension('broken', () => Promise.reject(new Error('no config for me')))] }, { logger: memoryLogger([]) }),
        (error: unknown) => error instanceof PluginError && error.plugin === 'broken' && /no config for me/.test(error.message),
      );
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('hooks: beforeRequest', () => {
  let t: TestVisor;
  const seen: RequestContext[] = [];
  before(async () => {
    t = await startVisor({
      plugins: [
        extension('recorder', (visor) => {
          visor.hooks.beforeRequest.tap('recorder', (context) => void seen.push({ ...context }));
        }),
        headerAuth,
      ],
    });
  });
  after(() => t.close());

  it('a thrown ForbiddenError answers 403 {code: Forbidden} in JSON', async () => {
    const res = await get(`${t.url}/images`, { 'x-user': 'mallory' });
    assert.equal(res.status, 403);
    assert.match(res.headers['content-type'] as string, /^application\/json/);
    assert.deepEqual(res.json(), { code: 'Forbidden', message: 'mallory is banned' });
    assert.equal(res.headers['x-error-code'], 'Forbidden');
  });

  it('answers the refusal in XML when the client accepts XML', async () => {
    const res = await get(`${t.url}/images`, { 'x-user': 'mallory', accept: 'application/xml' });
    assert.equal(res.status, 403);
    assert.match(res.headers['content-type'] as string, /^application\/xml/);
    assert.deepEqual(await parseXml(res.text), { error: { code: 'Forbidden', message: 'mallory is banned' } });
  });

  it('refuses before the operation runs: a refused POST stores nothing', async () => {
    const res = await request('POST', `${t.url}/images`, { headers: { 'x-user': 'mallory' }, body: { image: { ...X86, name: 'from-mallory' } } });
    assert.equal(res.status, 403);
    const list = (await get(`${t.url}/images?name=from-mallory`)).json().images;
    assert.deepEqual(list, []);
  });

  it('sees method, percent-encoded path, raw query, headers, remote address and the route pattern', async () => {
    seen.length = 0;
    const res = await get(`${t.url}/images?name=a%20b&limit=5`, { 'x-trace': 'trace-1' });
    assert.equal(res.status, 200);
    assert.equal(seen.length, 1);
    const context = seen[0]!;
    assert.equal(context.method, 'GET');
    assert.equal(context.path, '/images');
    assert.equal(context.query, 'name=a%20b&limit=5');
    assert.equal(context.headers['x-trace'], 'trace-1');
    assert.match(context.remoteAddress, /^(::ffff:)?127\.0\.0\.1$/);
    assert.equal(context.route, '/images');
    assert.equal(context.principal, null);
    assert.deepEqual(context.state, {});
    assert.equal(typeof context.id, 'string');
    assert.ok(context.id.length > 0);

    const image = (await request('POST', `${t.url}/images`, { body: { image: X86 } })).json().image;
    seen.length = 0;
    await get(`${t.url}/images/${image.id}/meta`);
    await request('HEAD', `${t.url}/images/${image.id}`);
    assert.deepEqual(
      seen.map((c) => [c.method, c.path, c.query, c.route]),
      [
        ['GET', `/images/${image.id}/meta`, '', '/images/:id/meta'],
        ['HEAD', `/images/${image.id}`, '', '/images/:id'],
      ],
    );
  });

  it('gives each request its own id, also sent back as x-request-id', async () => {
    seen.length = 0;
    const first = await get(`${t.url}/status`);
    const second = await get(`${t.url}/status`);
    assert.equal(seen.length, 2);
    assert.notEqual(seen[0]!.id, seen[1]!.id);
    assert.equal(first.headers['x-request-id'], seen[0]!.id);
    assert.equal(second.headers['x-request-id'], seen[1]!.id);
  });

  it('a principal it sets becomes the owner of new images', async () => {
    const res = await request('POST', `${t.url}/images`, { headers: { 'x-user': 'alice' }, body: { image: X86 } });
    assert.equal(res.status, 201);
    const image = res.json().image;
    assert.equal(image.owner, 'alice');
    assert.equal((await get(`${t.url}/images/${image.id}/meta`)).json().image.owner, 'alice');
    const withFile = await request('POST', `${t.url}/images`, {
      headers: { ...octet, 'x-user': 'bob', 'x-image-meta-name': 'with-file', 'x-image-meta-architecture': 'x86_64' },
      body: Buffer.from('bytes'),
    });
    assert.equal(withFile.status, 201);
    assert.equal(withFile.json().image.owner, 'bob');
    const anonymous = (await request('POST', `${t.url}/images`, { body: { image: X86 } })).json().image;
    assert.equal(anonymous.owner, null);
  });

  it('a client cannot set the owner itself', async () => {
    const res = await request('POST', `${t.url}/images`, { headers: { 'x-user': 'alice' }, body: { image: { ...X86, owner: 'root' } } });
    assert.equal(res.status, 400);
    assert.equal(res.json().code, 'ReadOnlyField');
  });
});

describe('hooks: authorizeImage', () => {
  let t: TestVisor;
  const decisions = new Map<string, AccessDecision | undefined>();
  const calls: Array<{ action: ImageAction; id: string; route: string | undefined; principal: string | null }> = [];
  let file: Buffer;
  let available: Image;
  let locked: Image;

  before(async () => {
    t = await startVisor({
      plugins: [
        headerAuth,
        extension('acl', (visor) => {
          visor.hooks.authorizeImage.tap('acl', ({ action, image, context }) => {
            calls.push({ action, id: image.id, route: context.request?.route, principal: context.principal?.id ?? null });
            return decisions.get(image.id);
          });
        }),
      ],
    });
    file = randomBytes(4096);
    const registered = await t.visor.images.register({ ...X86, name: 'guarded' });
    available = await t.visor.images.upload(registered.id, { stream: (await import('node:stream')).Readable.from([file]), expect: {} });
    locked = await t.visor.images.register({ ...X86, name: 'guarded-locked' });
  });
  after(() => t.close());

  type Case = { label: string; method: string; path: (id: string) => string; headers?: Record<string, string>; body?: unknown; action: ImageAction };
  const cases: Case[] = [
    { label: 'GET meta', method: 'GET', path: (id) => `/images/${id}/meta`, action: 'read' },
    { label: 'HEAD', method: 'HEAD', path: (id) => `/images/${id}`, action: 'read' },
    { label: 'download', method: 'GET', path: (id) => `/images/${id}`, action: 'download' },
    { label: 'update', method: 'PUT', path: (id) => `/images/${id}`, body: { image: { name: 'renamed?' } }, action: 'update' },
    { label: 'delete', method: 'DELETE', path: (id) => `/images/${id}`, action: 'delete' },
  ];
  const send = (c: Case, id: string, headers: Record<string, string> = {}) =>
    request(c.method, `${t.url}${c.path(id)}`, { headers: { ...c.headers, ...headers }, ...(c.body === undefined ? {} : { body: c.body as object }) });

  it("'hide' answers 404 NotFound for read, download, update and delete, like a missing image", async () => {
    decisions.set(available.id, 'hide');
    try {
      for (const c of cases) {
        const res = await send(c, available.id);
        assert.equal(res.status, 404, c.label);
        if (c.method === 'HEAD') {
          assert.equal(res.headers['x-error-code'], 'NotFound');
        } else {
          const missing = randomUUID();
          const reference = await send(c, missing);
          assert.equal(res.json().code, 'NotFound', c.label);
          assert.equal(res.json().message.replace(available.id, '<id>'), reference.json().message.replace(missing, '<id>'), `${c.label}: indistinguishable`);
        }
      }
      const stored = await t.visor.metadata.find(available.id);
      assert.equal(stored?.name, 'guarded', 'nothing was changed or deleted');
    } finally {
      decisions.delete(available.id);
    }
  });

  it("'deny' answers 403 Forbidden naming the action for read, download, update and delete", async () => {
    decisions.set(available.id, 'deny');
    try {
      for (const c of cases) {
        const res = await send(c, available.id);
        assert.equal(res.status, 403, c.label);
        if (c.method === 'HEAD') {
          assert.equal(res.headers['x-error-code'], 'Forbidden');
        } else {
          assert.equal(res.json().code, 'Forbidden', c.label);
          assert.match(res.json().message, new RegExp(`\\b${c.action}\\b`), c.label);
        }
      }
      const upload = await request('PUT', `${t.url}/images/${locked.id}`, { headers: octet, body: Buffer.from('x') });
      assert.equal(upload.status, 200, 'only the denied image is affected');
      const stored = await t.visor.metadata.find(available.id);
      assert.equal(stored?.name, 'guarded');
      assert.equal(stored?.status, 'available');
    } finally {
      decisions.delete(available.id);
    }
  });

  it('undefined (no decision) and allow let every route through, each asked with the right action', async () => {
    const target = await t.visor.images.register({ ...X86, name: 'open' });
    const data = randomBytes(1000);
    const expectations: Array<[string, () => Promise<{ status: number }>, number, ImageAction | null]> = [
      ['upload', () => request('PUT', `${t.url}/images/${target.id}`, { headers: { ...octet, 'x-user': 'carol' }, body: data }), 200, 'upload'],
      ['GET meta', () => get(`${t.url}/images/${target.id}/meta`, { 'x-user': 'carol' }), 200, 'read'],
      ['HEAD', () => request('HEAD', `${t.url}/images/${target.id}`, { headers: { 'x-user': 'carol' } }), 200, 'read'],
      ['download', () => get(`${t.url}/images/${target.id}`, { 'x-user': 'carol' }), 200, 'download'],
      ['update', () => request('PUT', `${t.url}/images/${target.id}`, { headers: { 'x-user': 'carol' }, body: { image: { name: 'still open' } } }), 200, 'update'],
      ['list', () => get(`${t.url}/images`, { 'x-user': 'carol' }), 200, null],
      ['delete', () => request('DELETE', `${t.url}/images/${target.id}`, { headers: { 'x-user': 'carol' } }), 200, 'delete'],
    ];
    let toggle = false;
    for (const [label, run, status, action] of expectations) {
      decisions.set(target.id, (toggle = !toggle) ? undefined : 'allow');
      calls.length = 0;
      const res = await run();
      assert.equal(res.status, status, label);
      assert.deepEqual(
        calls,
        action === null ? [] : [{ action, id: target.id, route: label === 'download' || label === 'HEAD' || label === 'upload' || label === 'update' || label === 'delete' ? '/images/:id' : '/images/:id/meta', principal: 'carol' }],
        label,
      );
    }
    decisions.delete(target.id);
  });

  it('decides in-process calls too, where the context has no request', async () => {
    decisions.set(available.id, 'hide');
    calls.length = 0;
    try {
      await assert.rejects(t.visor.images.get(available.id), NotFoundError);
      await assert.rejects(t.visor.images.download(available.id), NotFoundError);
      decisions.set(available.id, 'deny');
      await assert.rejects(t.visor.images.update(available.id, { name: 'x' }, { principal: { id: 'dave', role: 'user' } }), ForbiddenError);
      assert.deepEqual(calls, [
        { action: 'read', id: available.id, route: undefined, principal: null },
        { action: 'download', id: available.id, route: undefined, principal: null },
        { action: 'update', id: available.id, route: undefined, principal: 'dave' },
      ]);
    } finally {
      decisions.delete(available.id);
    }
    const download = await t.visor.images.download(available.id);
    const chunks: Buffer[] = [];
    for await (const chunk of download.stream) chunks.push(chunk as Buffer);
    download.finish({ bytes: file.length, outcome: 'completed' });
    assert.ok(Buffer.concat(chunks).equals(file));
  });
});

describe('hooks: beforeList', () => {
  let t: TestVisor;
  before(async () => {
    t = await startVisor({
      plugins: [
        headerAuth,
        extension('visibility', (visor) => {
          visor.hooks.beforeList.tap('visibility', (list) => {
            const principal = list.context.principal;
            if (principal === null) list.constraints.push((q) => q.where('images.access', 'public'));
            // Written the natural way: an OR that must not swallow the client's own filters.
            else if (principal.role !== 'admin') list.constraints.push((q) => q.where('images.owner', principal.id).orWhere('images.access', 'public'));
            return list;
          });
        }),
      ],
    });
    const specs: Array<[string, string, 'public' | 'private']> = [
      ['alice', 'a1', 'private'],
      ['alice', 'a2', 'private'],
      ['alice', 'a3', 'public'],
      ['bob', 'b1', 'private'],
      ['bob', 'b2', 'public'],
      ['bob', 'b3', 'private'],
    ];
    for (const [user, name, access] of specs) {
      const res = await request('POST', `${t.url}/images`, { headers: { 'x-user': user }, body: { image: { name, architecture: 'x86_64', access } } });
      assert.equal(res.status, 201);
    }
  });
  after(() => t.close());

  const names = async (path: string, headers: Record<string, string> = {}) => {
    const res = await get(`${t.url}${path}`, headers);
    assert.equal(res.status, 200, path);
    return (res.json().images as Array<{ name: string }>).map((i) => i.name).sort();
  };

  it('its constraints restrict GET /images and /images/detail', async () => {
    assert.deepEqual(await names('/images'), ['a3', 'b2']);
    assert.deepEqual(await names('/images', { 'x-user': 'alice' }), ['a1', 'a2', 'a3', 'b2']);
    assert.deepEqual(await names('/images/detail', { 'x-user': 'bob' }), ['a3', 'b1', 'b2', 'b3']);
    assert.deepEqual(await names('/images', { 'x-user': 'root', 'x-role': 'admin' }), ['a1', 'a2', 'a3', 'b1', 'b2', 'b3']);
  });

  it("combine with the client's filters (an OR in a constraint does not bypass them)", async () => {
    assert.deepEqual(await names('/images?name=a1', { 'x-user': 'bob' }), []);
    assert.deepEqual(await names('/images?name=b2', { 'x-user': 'alice' }), ['b2']);
    assert.deepEqual(await names('/images?access=private', { 'x-user': 'bob' }), ['b1', 'b3']);
    assert.deepEqual(await names('/images/detail?name=a3', { 'x-user': 'bob' }), ['a3']);
  });

  it('pages through exactly the visible images', async () => {
    const seen: string[] = [];
    let next: string | undefined = `${t.url}/images?limit=1&sort=name`;
    for (let page = 0; next !== undefined; page++) {
      assert.ok(page < 10, 'paging terminates');
      const body = (await get(next, { 'x-user': 'alice' })).json();
      seen.push(...(body.images as Array<{ name: string }>).map((i) => i.name));
      next = body.next;
    }
    assert.deepEqual(seen, ['a1', 'a2', 'a3', 'b2']);
  });

  it('applies to in-process listings with the given principal', async () => {
    const { images } = await t.visor.images.list({}, { principal: { id: 'bob', role: 'user' } });
    assert.deepEqual(images.map((i) => i.name).sort(), ['a3', 'b1', 'b2', 'b3']);
  });
});

describe('hooks: beforeRegister', () => {
  let t: TestVisor;
  before(async () => {
    t = await startVisor({
      plugins: [
        extension('stamp', (visor) => {
          visor.hooks.beforeRegister.tap('stamp', (draft, context) => {
            if (draft.name.startsWith('forbidden')) throw new ForbiddenError(`names starting with 'forbidden' are reserved`);
            if (draft.name === 'taken') throw new ConflictError("the name 'taken' is taken");
            if (draft.name === 'crash') throw new Error('unexpected plugin failure');
            draft.properties.registered_via = context.request ? 'rest' : 'in-process';
            draft.format ??= 'qcow2';
          });
        }),
      ],
    });
  });
  after(() => t.close());

  it('can modify the draft: the stored image has the added property and field', async () => {
    const res = await request('POST', `${t.url}/images`, { body: { image: { ...X86, name: 'stamped' } } });
    assert.equal(res.status, 201);
    const image = res.json().image;
    assert.equal(image.registered_via, 'rest');
    assert.equal(image.format, 'qcow2');
    const stored = (await get(`${t.url}/images/${image.id}/meta`)).json().image;
    assert.equal(stored.registered_via, 'rest');
    assert.equal(stored.format, 'qcow2');
    const explicit = (await request('POST', `${t.url}/images`, { body: { image: { ...X86, format: 'raw' } } })).json().image;
    assert.equal(explicit.format, 'raw');
    const withFile = await request('POST', `${t.url}/images`, {
      headers: { ...octet, 'x-image-meta-name': 'with-file', 'x-image-meta-architecture': 'x86_64' },
      body: Buffer.from('data'),
    });
    assert.equal(withFile.status, 201);
    assert.equal(withFile.json().image.registered_via, 'rest');
    const inProcess = await t.visor.images.register({ ...X86, name: 'embedded' });
    assert.equal(inProcess.properties.registered_via, 'in-process');
  });

  it("throwing refuses the registration with the error's status, storing nothing", async () => {
    const forbidden = await request('POST', `${t.url}/images`, { body: { image: { ...X86, name: 'forbidden-one' } } });
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.json().code, 'Forbidden');
    assert.match(forbidden.json().message, /reserved/);
    const taken = await request('POST', `${t.url}/images`, { body: { image: { ...X86, name: 'taken' } }, headers: { accept: 'application/xml' } });
    assert.equal(taken.status, 409);
    assert.equal((await parseXml(taken.text)).error.code, 'Conflict');
    const withFile = await request('POST', `${t.url}/images`, {
      headers: { ...octet, 'x-image-meta-name': 'forbidden-file', 'x-image-meta-architecture': 'x86_64' },
      body: randomBytes(200_000),
    });
    assert.equal(withFile.status, 403);
    for (const name of ['forbidden-one', 'taken', 'forbidden-file']) {
      assert.deepEqual((await get(`${t.url}/images?name=${name}`)).json().images, [], name);
    }
  });

  it('an unexpected error answers 500 without leaking its message', async () => {
    const res = await request('POST', `${t.url}/images`, { body: { image: { ...X86, name: 'crash' } } });
    assert.equal(res.status, 500);
    assert.equal(res.json().code, 'InternalError');
    assert.doesNotMatch(res.json().message, /unexpected plugin failure/);
    assert.ok(t.logs.some((line) => line.includes('unexpected plugin failure')), 'the cause is logged');
  });
});

describe('hooks: a failing after* tap', () => {
  let t: TestVisor;
  const AFTER = ['afterRegister', 'afterUpload', 'afterReadMetadata', 'afterDownload', 'afterUpdate', 'afterDelete'] as const;
  before(async () => {
    t = await startVisor({
      plugins: [
        extension('fragile', (visor) => {
          for (const name of AFTER) {
            (visor.hooks[name] as unknown as { tapPromise(name: string, fn: () => Promise<void>): void }).tapPromise('fragile', async () => {
              throw new Error(`fragile broke in ${name}`);
            });
          }
        }),
      ],
    });
  });
  after(() => t.close());

  it('does not fail the request, and the failure is logged naming the hook', async () => {
    const data = randomBytes(10_000);
    const registered = await request('POST', `${t.url}/images`, { body: { image: X86 } });
    assert.equal(registered.status, 201);
    const id = registered.json().image.id;
    const uploaded = await request('PUT', `${t.url}/images/${id}`, { headers: octet, body: data });
    assert.equal(uploaded.status, 200);
    assert.equal(uploaded.json().image.status, 'available');
    const meta = await get(`${t.url}/images/${id}/meta`);
    assert.equal(meta.status, 200);
    const download = await get(`${t.url}/images/${id}`);
    assert.equal(download.status, 200);
    assert.ok(download.body.equals(data));
    const updated = await request('PUT', `${t.url}/images/${id}`, { body: { image: { name: 'renamed' } } });
    assert.equal(updated.status, 200);
    assert.equal(updated.json().image.name, 'renamed');
    const deleted = await request('DELETE', `${t.url}/images/${id}`);
    assert.equal(deleted.status, 200);
    assert.equal((await get(`${t.url}/images/${id}/meta`)).status, 404, 'the delete happened');

    for (const name of AFTER) {
      const records = await waitFor(`the ${name} failure in the log`, () => {
        const found = logRecords(t.logs, `fragile broke in ${name}`);
        return found.length > 0 ? found : undefined;
      }, 2000);
      assert.equal(records.length, 1, name);
      assert.equal(records[0]!.level, 'error', name);
      assert.equal(records[0]!.hook, name);
      assert.match(String(records[0]!.msg), new RegExp(name));
    }
  });
});

describe('hooks: transfer and change hooks fire with the right arguments, in order', () => {
  let t: TestVisor;
  const events: Array<{ hook: string; image: Image; context: OperationContext; stats?: TransferStats; error?: Error; previous?: Image; patch?: unknown }> = [];
  before(async () => {
    t = await startVisor({
      plugins: [
        extension('witness', (visor) => {
          const h = visor.hooks;
          const push = (hook: string, image: Image, context: OperationContext, extra: Partial<(typeof events)[number]> = {}) =>
            void events.push({ hook, image: structuredClone(image), context, ...extra });
          h.afterRegister.tap('witness', (image, context) => push('afterRegister', image, context));
          h.beforeUpload.tap('witness', (image, context) => push('beforeUpload', image, context));
          h.afterUpload.tap('witness', (image, stats, context) => push('afterUpload', image, context, { stats }));
          h.afterUploadFailed.tap('witness', (image, error, stats, context) => push('afterUploadFailed', image, context, { error, stats }));
          h.beforeDownload.tap('witness', (image, context) => push('beforeDownload', image, context));
          h.afterDownload.tap('witness', (image, stats, context) => push('afterDownload', image, context, { stats }));
          h.beforeUpdate.tap('witness', (image, patch, context) => push('beforeUpdate', image, context, { patch: structuredClone(patch) }));
          h.afterUpdate.tap('witness', (image, previous, context) => push('afterUpdate', image, context, { previous: structuredClone(previous) }));
          h.beforeDelete.tap('witness', (image, context) => push('beforeDelete', image, context));
          h.afterDelete.tap('witness', (image, context) => push('afterDelete', image, context));
        }),
      ],
    });
  });
  after(() => t.close());

  it('register, upload, ranged download, update, delete', async () => {
    const data = randomBytes(50_000);
    events.length = 0;
    const registered = (await request('POST', `${t.url}/images`, { body: { image: { ...X86, name: 'witnessed' } } })).json().image;
    const uploaded = (await request('PUT', `${t.url}/images/${registered.id}`, { headers: octet, body: data })).json().image;
    const ranged = await get(`${t.url}/images/${registered.id}`, { range: 'bytes=100-1123' });
    assert.equal(ranged.status, 206);
    assert.ok(ranged.body.equals(data.subarray(100, 1124)));
    await waitFor('afterDownload', () => events.some((e) => e.hook === 'afterDownload'), 2000);
    const updated = await request('PUT', `${t.url}/images/${registered.id}`, { body: { image: { name: 'renamed', tier: 'gold' } } });
    assert.equal(updated.status, 200);
    const deleted = await request('DELETE', `${t.url}/images/${registered.id}`);
    assert.equal(deleted.status, 200);

    assert.deepEqual(
      events.map((e) => e.hook),
      ['afterRegister', 'beforeUpload', 'afterUpload', 'beforeDownload', 'afterDownload', 'beforeUpdate', 'afterUpdate', 'beforeDelete', 'afterDelete'],
    );
    const by = (hook: string) => events.find((e) => e.hook === hook)!;
    for (const event of events) {
      assert.equal(event.image.id, registered.id, event.hook);
      assert.equal(event.context.request?.id !== undefined, true, `${event.hook}: the REST request is in the context`);
    }
    assert.equal(by('afterRegister').image.status, 'locked');
    assert.equal(by('afterRegister').context.request?.method, 'POST');
    assert.equal(by('beforeUpload').image.status, 'uploading');
    assert.equal(by('beforeUpload').context.request?.method, 'PUT');
    const upload = by('afterUpload');
    assert.equal(upload.image.status, 'available');
    assert.equal(upload.image.size, data.length);
    assert.equal(upload.image.checksum, md5(data));
    assert.equal(upload.image.location, uploaded.location);
    assert.equal(upload.stats?.bytes, data.length);
    assert.equal(upload.stats?.outcome, 'completed');
    assert.ok(upload.stats!.durationMs >= 0);
    assert.equal(by('beforeDownload').image.status, 'available');
    const download = by('afterDownload');
    assert.deepEqual({ bytes: download.stats?.bytes, outcome: download.stats?.outcome }, { bytes: 1024, outcome: 'completed' });
    assert.equal(download.context.request?.headers.range, 'bytes=100-1123');
    assert.deepEqual(by('beforeUpdate').patch, { fields: { name: 'renamed' }, properties: { tier: 'gold' } });
    assert.equal(by('beforeUpdate').image.name, 'witnessed');
    const update = by('afterUpdate');
    assert.equal(update.image.name, 'renamed');
    assert.equal(update.image.properties.tier, 'gold');
    assert.equal(update.previous?.name, 'witnessed');
    assert.equal(update.previous?.properties.tier, undefined);
    assert.equal(by('beforeDelete').image.name, 'renamed');
    assert.equal(by('afterDelete').image.name, 'renamed');
    assert.equal(by('afterDelete').image.location, uploaded.location);
  });

  it('afterUploadFailed on a checksum mismatch, with the error and the bytes received; the image is back to locked', async () => {
    const data = randomBytes(30_000);
    const registered = (await request('POST', `${t.url}/images`, { body: { image: X86 } })).json().image;
    events.length = 0;
    const res = await request('PUT', `${t.url}/images/${registered.id}`, { headers: { ...octet, 'x-image-meta-checksum': md5(Buffer.from('other')) }, body: data });
    assert.equal(res.status, 400);
    assert.equal(res.json().code, 'BadDigest');
    assert.deepEqual(events.map((e) => e.hook), ['beforeUpload', 'afterUploadFailed']);
    const failed = events[1]!;
    assert.equal(failed.image.id, registered.id);
    assert.equal((failed.error as { code?: string }).code, 'BadDigest');
    assert.equal(failed.stats?.outcome, 'failed');
    assert.equal(failed.stats?.bytes, data.length);
    assert.equal((await get(`${t.url}/images/${registered.id}/meta`)).json().image.status, 'locked');
  });

  it('afterUploadFailed for a failed POST-with-file, after which the record is gone', async () => {
    events.length = 0;
    const res = await request('POST', `${t.url}/images`, {
      headers: { ...octet, 'x-image-meta-name': 'doomed', 'x-image-meta-architecture': 'x86_64', 'x-image-meta-sha256': '0'.repeat(64) },
      body: randomBytes(20_000),
    });
    assert.equal(res.status, 400);
    assert.deepEqual(events.map((e) => e.hook), ['afterRegister', 'beforeUpload', 'afterUploadFailed']);
    assert.equal(events[2]!.stats?.outcome, 'failed');
    assert.equal((await get(`${t.url}/images/${events[0]!.image.id}/meta`)).status, 404);
  });
});

describe('hooks: registerRoutes', () => {
  let t: TestVisor;
  before(async () => {
    t = await startVisor({
      plugins: [
        headerAuth,
        extension('greeter', (visor) => {
          visor.hooks.registerRoutes.tap('greeter', (routes) => {
            routes.add('GET', '/hello', async ({ query, context }) => ({
              document: {
                root: 'greeting',
                body: { greeting: { text: `hello ${query.get('name') ?? 'world'}`, route: context.route, principal: context.principal?.id ?? null } },
              },
            }));
            routes.add('GET', '/boom', async () => {
              throw new ConflictError('the plugin says no');
            });
            routes.add('GET', '/crash', async () => {
              throw new Error('secret plugin detail');
            });
            routes.add('POST', '/echo', async ({ body }) => ({
              status: 201,
              headers: { 'x-plugin': 'greeter' },
              document: { root: 'echo', body: { echo: (await body()) as Record<string, unknown> } },
            }));
            routes.add('DELETE', '/things/:name', async ({ params }) => ({ status: 204, headers: { 'x-deleted': params.name! } }));
          });
        }),
      ],
    });
  });
  after(() => t.close());

  it('serves a plugin route in JSON by default', async () => {
    const res = await get(`${t.url}/hello?name=Ada`, { 'x-user': 'ada' });
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'] as string, /^application\/json/);
    assert.deepEqual(res.json(), { greeting: { text: 'hello Ada', route: '/hello', principal: 'ada' } });
  });

  it('serves it in XML when asked, and 406 for a type nobody produces', async () => {
    const res = await get(`${t.url}/hello`, { accept: 'application/xml' });
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'] as string, /^application\/xml/);
    assert.deepEqual(await parseXml(res.text), { greeting: { text: 'hello world', route: '/hello', principal: null } });
    const none = await get(`${t.url}/hello`, { accept: 'image/png' });
    assert.equal(none.status, 406);
    assert.equal(none.json().code, 'NotAcceptable');
  });

  it('runs beforeRequest first: a refused client never reaches the plugin route', async () => {
    const res = await get(`${t.url}/hello`, { 'x-user': 'mallory' });
    assert.equal(res.status, 403);
  });

  it('a throwing plugin route answers the negotiated error document', async () => {
    const json = await get(`${t.url}/boom`);
    assert.equal(json.status, 409);
    assert.deepEqual(json.json(), { code: 'Conflict', message: 'the plugin says no' });
    const xml = await get(`${t.url}/boom`, { accept: 'application/xml' });
    assert.equal(xml.status, 409);
    assert.deepEqual(await parseXml(xml.text), { error: { code: 'Conflict', message: 'the plugin says no' } });
    const crash = await get(`${t.url}/crash`, { accept: 'application/xml' });
    assert.equal(crash.status, 500);
    const error = (await parseXml(crash.text)).error;
    assert.equal(error.code, 'InternalError');
    assert.doesNotMatch(error.message, /secret plugin detail/);
    assert.ok(t.logs.some((line) => line.includes('secret plugin detail')));
  });

  it('reads bodies in any encoder format and sends status, headers and empty bodies', async () => {
    const echo = await request('POST', `${t.url}/echo`, {
      headers: { 'content-type': 'application/xml', accept: 'application/json' },
      body: '<?xml version="1.0"?><thing><colour>blue</colour></thing>',
    });
    assert.equal(echo.status, 201);
    assert.equal(echo.headers['x-plugin'], 'greeter');
    assert.deepEqual(echo.json(), { echo: { thing: { colour: 'blue' } } });
    const bad = await request('POST', `${t.url}/echo`, { headers: { 'content-type': 'application/json' }, body: '{"oops":' });
    assert.equal(bad.status, 400);
    const deleted = await request('DELETE', `${t.url}/things/widget`);
    assert.equal(deleted.status, 204);
    assert.equal(deleted.headers['x-deleted'], 'widget');
    assert.equal(deleted.body.length, 0);
  });
});

describe('hooks: encodeResponse and decodeRequest with an inline encoder plugin', () => {
  let t: TestVisor;
  before(async () => {
    t = await startVisor({ encoders: ['json', csvEncoder] });
  });
  after(() => t.close());

  it('Accept: text/csv is answered by the custom encoder', async () => {
    const image = (await request('POST', `${t.url}/images`, { body: { image: { ...X86, name: 'csv-me' } } })).json().image;
    const res = await get(`${t.url}/images/${image.id}/meta`, { accept: 'text/csv' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
    const [root, row] = res.text.trim().split('\n');
    assert.equal(root, '#image');
    assert.ok(row!.startsWith(`${image.id},${t.url}/images/${image.id},csv-me,x86_64,`), row);
    const list = await get(`${t.url}/images`, { accept: 'text/csv, application/json;q=0.5' });
    assert.equal(list.headers['content-type'], 'text/csv; charset=utf-8');
    assert.match(list.text, /^#images\n/);
  });

  it('JSON stays the default, XML is not configured, errors use the custom encoder too', async () => {
    const plain = await get(`${t.url}/images`);
    assert.match(plain.headers['content-type'] as string, /^application\/json/);
    const xml = await get(`${t.url}/images`, { accept: 'application/xml' });
    assert.equal(xml.status, 406);
    const missing = await get(`${t.url}/images/${randomUUID()}/meta`, { accept: 'text/csv' });
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['content-type'], 'text/csv; charset=utf-8');
    assert.match(missing.text, /^#error\nNotFound,/);
  });

  it('decodes request bodies of its media type', async () => {
    const res = await request('POST', `${t.url}/images`, { headers: { 'content-type': 'text/csv' }, body: 'name,architecture\nfrom-csv,aarch64\n' });
    assert.equal(res.status, 201);
    assert.equal(res.json().image.name, 'from-csv');
    assert.equal(res.json().image.architecture, 'aarch64');
  });

  it('an extension can tap encodeResponse ahead of the encoders', async () => {
    const u = await startVisor({
      plugins: [
        extension('envelope', (visor) => {
          visor.hooks.encodeResponse.tap({ name: 'envelope', stage: -10 }, ({ mediaType, document }) =>
            mediaType === 'application/json' ? { contentType: 'application/json', body: JSON.stringify({ envelope: document.root, data: document.body }) } : undefined,
          );
        }),
      ],
    });
    try {
      const res = await get(`${u.url}/images`);
      assert.deepEqual(res.json(), { envelope: 'images', data: { images: [] } });
      const xml = await get(`${u.url}/images`, { accept: 'application/xml' });
      assert.deepEqual(await parseXml(xml.text), { images: '' } as unknown, 'other types still reach their encoder');
    } finally {
      await u.close();
    }
  });
});

describe('hooks: transfers a client abandons', () => {
  let t: TestVisor;
  const events: Array<{ hook: string; stats: TransferStats; error?: Error }> = [];
  before(async () => {
    t = await startVisor({
      plugins: [
        extension('abandon-witness', (visor) => {
          visor.hooks.afterDownload.tap('w', (_image, stats) => void events.push({ hook: 'afterDownload', stats }));
          visor.hooks.afterUpload.tap('w', (_image, stats) => void events.push({ hook: 'afterUpload', stats }));
          visor.hooks.afterUploadFailed.tap('w', (_image, error, stats) => void events.push({ hook: 'afterUploadFailed', stats, error }));
        }),
      ],
    });
  });
  after(() => t.close());

  it("afterDownload reports 'aborted' with the bytes sent when the client goes away mid-download", async () => {
    const data = randomBytes(32 * 1024 * 1024);
    const image = await t.visor.images.register(X86);
    await t.visor.images.upload(image.id, { stream: (await import('node:stream')).Readable.from([data]), expect: {} });
    events.length = 0;
    assert.equal(await abandonDownload(`${t.url}/images/${image.id}`), 200);
    const [event] = await waitFor('afterDownload', () => (events.length > 0 ? events : undefined), 2000);
    assert.equal(event!.hook, 'afterDownload');
    assert.equal(event!.stats.outcome, 'aborted');
    assert.ok(event!.stats.bytes > 0 && event!.stats.bytes < data.length, `bytes ${event!.stats.bytes}`);
    const stored = await t.visor.metadata.find(image.id);
    assert.equal(stored?.access_count, 0, 'an abandoned download is not an access');
  });

  it("afterUploadFailed reports 'aborted' when the client goes away mid-upload; the image is back to locked", async () => {
    const image = await t.visor.images.register(X86);
    events.length = 0;
    const req = http.request(`${t.url}/images/${image.id}`, { method: 'PUT', agent: false, headers: { ...octet, 'transfer-encoding': 'chunked' } });
    req.on('error', () => undefined);
    req.write(randomBytes(256 * 1024));
    for (let i = 0; i < 200 && (await t.visor.metadata.find(image.id))?.status !== 'uploading'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    req.destroy();
    const [event] = await waitFor('afterUploadFailed', () => (events.length > 0 ? events : undefined), 2000);
    assert.equal(event!.hook, 'afterUploadFailed');
    assert.equal(event!.stats.outcome, 'aborted');
    assert.equal((event!.error as { code?: string }).code, 'ClientClosedRequest');
    assert.ok(event!.stats.bytes > 0, `bytes ${event!.stats.bytes}`);
    assert.equal((await t.visor.metadata.find(image.id))?.status, 'locked', 'afterUploadFailed runs once the claim is released');
  });
});

describe('hooks: before* hooks refuse', () => {
  let t: TestVisor;
  const fired: string[] = [];
  before(async () => {
    const refuse = (hook: string) => (image: Image) => {
      if (image.properties.guard === hook) throw new ForbiddenError(`${hook} refused`);
    };
    t = await startVisor({
      plugins: [
        extension('guard', (visor) => {
          visor.hooks.beforeUpload.tap('guard', refuse('beforeUpload'));
          visor.hooks.beforeDownload.tap('guard', refuse('beforeDownload'));
          visor.hooks.beforeUpdate.tap('guard', refuse('beforeUpdate'));
          visor.hooks.beforeDelete.tap('guard', refuse('beforeDelete'));
          for (const name of ['afterUpload', 'afterDownload', 'afterUpdate', 'afterDelete'] as const) {
            (visor.hooks[name] as unknown as { tap(name: string, fn: () => void): void }).tap('guard', () => void fired.push(name));
          }
        }),
      ],
    });
  });
  after(() => t.close());

  const withFile = async (guard: string) => {
    const image = await t.visor.images.register({ ...X86, guard: 'none' });
    await t.visor.images.upload(image.id, { stream: (await import('node:stream')).Readable.from([Buffer.from('content')]), expect: {} });
    return (await t.visor.images.update(image.id, { guard })).id;
  };

  it('beforeUpload: the upload is refused and the image stays locked without a file', async () => {
    const image = await t.visor.images.register({ ...X86, guard: 'beforeUpload' });
    fired.length = 0;
    const res = await request('PUT', `${t.url}/images/${image.id}`, { headers: octet, body: randomBytes(100_000) });
    assert.equal(res.status, 403);
    assert.equal(res.json().message, 'beforeUpload refused');
    const stored = await t.visor.metadata.find(image.id);
    assert.equal(stored?.status, 'locked');
    assert.equal(stored?.location, null);
    assert.deepEqual(fired, []);
  });

  it('beforeDownload: 403 and no bytes; afterDownload does not fire', async () => {
    const id = await withFile('beforeDownload');
    fired.length = 0;
    const res = await get(`${t.url}/images/${id}`);
    assert.equal(res.status, 403);
    assert.equal(res.json().code, 'Forbidden');
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(fired, []);
    assert.equal((await t.visor.metadata.find(id))?.access_count, 0);
  });

  it('beforeUpdate and beforeDelete: refused, the image unchanged', async () => {
    const updateId = await withFile('beforeUpdate');
    const deleteId = await withFile('beforeDelete');
    fired.length = 0;
    const update = await request('PUT', `${t.url}/images/${updateId}`, { body: { image: { name: 'changed' } } });
    assert.equal(update.status, 403);
    assert.equal((await t.visor.metadata.find(updateId))?.name, X86.name);
    const del = await request('DELETE', `${t.url}/images/${deleteId}`);
    assert.equal(del.status, 403);
    const kept = await t.visor.metadata.find(deleteId);
    assert.equal(kept?.status, 'available');
    assert.equal((await get(`${t.url}/images/${deleteId}`, {})).status, 200, 'its file is still there');
    assert.deepEqual(fired, []);
  });
});
