import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { get, request } from '@visor/test-support';
import { answerError, type ErrorTarget } from '../src/http/answer-error.js';
import { headerText, percentEncode } from '../src/http/header-text.js';
import { LAST_RESORT_MESSAGE } from '../src/bin/last-resort-guard.js';
import { BadRequestError } from '@visor/plugin-api';
import { createLogger } from '../src/util/logger.js';
import { cleanEnv, runCli, type CliRun } from './helpers/cli-process.js';
import { csvEncoder, extension, logRecords } from './helpers/plugin-kit.js';
import { startVisor, X86, type TestVisor } from './helpers/test-visor.js';

/** The exact input of issue 7, section 1: an unpaired surrogate as a field name (legal JSON). */
const SURROGATE_NAME_BODY = '{"image":{"name":"x","architecture":"x86_64","\\ud800":1}}';

/** Sends raw bytes on a fresh connection; resolves with what came back once the server closes or `ms` passed. */
function rawExchange(port: number, bytes: Buffer | string, ms = 500): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const done = () => resolve(Buffer.concat(chunks).toString('latin1'));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', done);
    socket.on('close', done);
    socket.write(bytes);
    setTimeout(() => socket.destroy(), ms).unref();
  });
}

describe('issue 7 §1: the server binary survives the request that used to end it', () => {
  let dir: string;
  let cli: CliRun;
  let url: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'visor-error-path-'));
    await writeFile(join(dir, 'visor.json'), JSON.stringify({ plugins: ['tracking'], port: 0, dataDir: join(dir, 'data') }));
    cli = runCli(['--config', join(dir, 'visor.json')], { cwd: dir, env: cleanEnv() });
    url = String((await cli.waitForLog(/listening on/)).url);
  });
  after(async () => {
    cli.child.kill('SIGTERM');
    await cli.exited;
    await rm(dir, { recursive: true, force: true });
  });

  it('answers the surrogate field name with 400 InvalidField over real HTTP, then keeps serving', async () => {
    const res = await request('POST', `${url}/images`, { headers: { 'content-type': 'application/json' }, body: SURROGATE_NAME_BODY });
    assert.equal(res.status, 400, res.text);
    const error = res.json();
    assert.equal(error.code, 'InvalidField');
    assert.match(error.message, /unknown field '\\u\{D800\}': custom property names must match/);
    // The header is ASCII and decodes back to the body's message.
    assert.match(String(res.headers['x-error-message']), /^[\x20-\x7e]+$/);
    assert.equal(decodeURIComponent(String(res.headers['x-error-message'])), error.message);
    for (let i = 0; i < 3; i++) {
      const again = await request('POST', `${url}/images`, { headers: { 'content-type': 'application/json' }, body: SURROGATE_NAME_BODY });
      assert.equal(again.status, 400);
    }
    const status = await get(`${url}/status`);
    assert.equal(status.status, 200);
    assert.equal(cli.child.exitCode, null, 'the server process is still running');
    assert.equal(cli.stderr().includes(LAST_RESORT_MESSAGE), false, 'the answer path itself handled it; the last-resort guard had nothing to do');
  });

  it('answers every error form of the same input: XML body, HEAD, and a raw socket', async () => {
    const xml = await request('POST', `${url}/images`, {
      headers: { 'content-type': 'application/json', accept: 'application/xml' },
      body: SURROGATE_NAME_BODY,
    });
    assert.equal(xml.status, 400);
    assert.match(xml.text, /<code>InvalidField<\/code>/);
    const port = Number(new URL(url).port);
    const raw = await rawExchange(port, `POST /images HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(SURROGATE_NAME_BODY)}\r\nConnection: close\r\n\r\n${SURROGATE_NAME_BODY}`);
    assert.match(raw, /^HTTP\/1\.1 400 /);
    assert.equal((await get(`${url}/status`)).status, 200);
  });
});

describe('issue 7 §1: every way out of the answer path is closed', () => {
  let t: TestVisor;
  before(async () => {
    t = await startVisor({
      encoders: ['json', csvEncoder, { kind: 'encoder', name: 'broken', mediaTypes: ['application/x-broken'], encode: () => { throw new Error('encoder bug'); }, decode: () => ({}) }],
      plugins: [
        extension('hostile', (visor) => {
          visor.hooks.beforeRequest.tapPromise('hostile', async (context) => {
            const how = context.headers['x-test-throw'];
            if (how === 'undefined') throw undefined;
            if (how === 'getter') {
              throw Object.defineProperty({}, 'message', { get() { throw new Error('getter bug'); } });
            }
            if (how === 'revoked') {
              const { proxy, revoke } = Proxy.revocable({}, {});
              revoke();
              throw proxy;
            }
            if (how === 'surrogate') throw new BadRequestError(`bad value '\ud800x\udc00\ud83d\ude00' here`);
            if (how === 'long') throw new BadRequestError(`long ${'é'.repeat(40_000)}`);
          });
        }),
      ],
    });
  });
  after(() => t.close());

  for (const how of ['undefined', 'getter', 'revoked']) {
    it(`a hook throwing ${how === 'undefined' ? 'undefined' : how === 'getter' ? 'an object whose message getter throws' : 'a revoked Proxy'} gets 500 InternalError naming the request id`, async () => {
      const res = await request('GET', `${t.url}/images`, { headers: { 'x-test-throw': how } });
      assert.equal(res.status, 500);
      assert.equal(res.json().code, 'InternalError');
      assert.match(res.json().message, new RegExp(String(res.headers['x-request-id'])));
      assert.equal((await get(`${t.url}/images`)).status, 200);
    });
  }

  it('a message with unpaired surrogates is answered, escaped, in the body and the header', async () => {
    const res = await request('GET', `${t.url}/images`, { headers: { 'x-test-throw': 'surrogate' } });
    assert.equal(res.status, 400);
    assert.equal(res.json().message, "bad value '\\u{D800}x\\u{DC00}\ud83d\ude00' here");
    assert.equal(decodeURIComponent(String(res.headers['x-error-message'])), "bad value '\\u{D800}x\\u{DC00}\ud83d\ude00' here");
  });

  it('a huge message is whole in the body and cut to 1 KiB in x-error-message, which still decodes', async () => {
    const res = await request('GET', `${t.url}/images`, { headers: { 'x-test-throw': 'long' } });
    assert.equal(res.status, 400);
    assert.equal(res.json().message.length, 5 + 40_000);
    const header = String(res.headers['x-error-message']);
    assert.ok(header.length <= 1024, `header is ${header.length} bytes`);
    assert.match(decodeURIComponent(header), /^long é+\.\.\.$/);
  });

  it('an encoder that throws while encoding an error: the answer falls back to plain JSON', async () => {
    const res = await request('GET', `${t.url}/images/not-a-uuid/meta`, { headers: { accept: 'application/x-broken' } });
    assert.equal(res.status, 404);
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(res.json().code, 'NotFound');
    assert.ok(logRecords(t.logs, 'encoding the error document').length > 0, 'the encoder failure is logged');
    assert.equal((await get(`${t.url}/images`)).status, 200);
  });

  it('a client that cuts the connection mid-body of a refused request leaves the server serving', async () => {
    const port = Number(new URL(t.url).port);
    const body = '{"image":{"name":"x","architecture":"sparc","pad":"' + 'a'.repeat(1000);
    await rawExchange(port, `POST /images HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n${body}`, 50);
    await rawExchange(port, `PUT /images/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)} HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\nabc`, 50);
    assert.equal((await get(`${t.url}/images`)).status, 200);
  });

  it('a registration that quotes client text keeps working for names that are fine', async () => {
    const res = await request('POST', `${t.url}/images`, { body: { image: { ...X86, note: 'ok' } } });
    assert.equal(res.status, 201, res.text);
  });
});

describe('answerError never throws, whatever the response state', () => {
  const logger = createLogger('silent');
  function target(res: Partial<ServerResponse>, overrides: Partial<ErrorTarget> = {}): ErrorTarget {
    return {
      req: { complete: true } as IncomingMessage,
      res: res as ServerResponse,
      requestId: 'r-1',
      isHead: false,
      logger,
      awaitingContinue: false,
      sendDocument: () => {
        throw new Error('encoder bug');
      },
      discardRestOfBody: () => {
        throw new Error('drain bug');
      },
      ...overrides,
    };
  }

  it('cuts the connection when the head was already sent', () => {
    let destroyed = false;
    answerError(target({ headersSent: true, destroy: (() => { destroyed = true; }) as never }), new Error('x'));
    assert.equal(destroyed, true);
  });

  it('survives writeHead, end and destroy all throwing', () => {
    const throwing = () => {
      throw new Error('socket gone');
    };
    assert.doesNotThrow(() =>
      answerError(target({ headersSent: false, writableEnded: false, destroyed: false, writeHead: throwing as never, end: throwing as never, destroy: throwing as never }), new Error('x')),
    );
  });

  it('does nothing but log when the socket is already destroyed', () => {
    let wrote = false;
    answerError(target({ headersSent: false, destroyed: true, writeHead: (() => { wrote = true; }) as never }), new Error('x'));
    assert.equal(wrote, false);
  });
});

describe('header text is total', () => {
  it('percent-encodes non-ASCII and %, and writes an unpaired surrogate as U+FFFD', () => {
    assert.equal(headerText("image 'Straße' 100%"), "image 'Stra%C3%9Fe' 100%25");
    assert.equal(headerText('a\ud800b\udc00c'), 'a%EF%BF%BDb%EF%BF%BDc');
    assert.equal(headerText('\ud83d\ude00'), '%F0%9F%98%80');
    assert.equal(headerText('tab\tnl\n'), 'tab%09nl%0A');
    assert.equal(percentEncode('x\ud800'), 'x%EF%BF%BD');
  });

  it('cuts at a character boundary, never inside an escape or a UTF-8 sequence', () => {
    for (let limit = 4; limit < 40; limit++) {
      const cut = headerText('ßßßßßßßßßßßßßßßßßßßß', limit);
      assert.ok(cut.length <= limit, `${cut} longer than ${limit}`);
      assert.doesNotThrow(() => decodeURIComponent(cut), cut);
    }
  });
});

describe('the last-resort guard of the server binary', () => {
  it('logs an escaped error with the request id it arose from, and the process keeps running', async () => {
    const guard = pathToFileURL(join(import.meta.dirname, '../src/bin/last-resort-guard.js')).href;
    const scope = pathToFileURL(join(import.meta.dirname, '../src/http/request-scope.js')).href;
    const logger = pathToFileURL(join(import.meta.dirname, '../src/util/logger.js')).href;
    const script = `
      const { installLastResortGuard } = await import(${JSON.stringify(guard)});
      const { inRequestScope } = await import(${JSON.stringify(scope)});
      const { createLogger } = await import(${JSON.stringify(logger)});
      installLastResortGuard(createLogger('info'));
      inRequestScope('req-timer', () => setTimeout(() => { throw new Error('thrown in a timer'); }, 5));
      inRequestScope('req-promise', async () => { await new Promise((r) => setTimeout(r, 10)); throw new Error('rejected'); });
      setTimeout(() => { process.stdout.write('alive'); }, 100);
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise((resolve) => child.on('close', resolve));
    assert.equal(code, 0, stderr);
    assert.equal(stdout, 'alive');
    const records = logRecords([stderr]);
    assert.deepEqual(
      records.map((r) => [r.msg, r.kind, r.request]),
      [
        [LAST_RESORT_MESSAGE, 'uncaughtException', 'req-timer'],
        [LAST_RESORT_MESSAGE, 'unhandledRejection', 'req-promise'],
      ],
    );
  });
});
