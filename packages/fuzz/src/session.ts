import { randomUUID } from 'node:crypto';
import { authorizationHeader } from '@visor/client';
import type { FuzzCase } from './arbitraries.js';
import { checkAnswer, negotiated, parseDocument } from './checks.js';
import { join } from 'node:path';
import { auditDatabase } from './database-audit.js';
import { auditStore } from './store-audit.js';
import { startVisorProcess, type Credentials, type VisorProcess } from './visor-process.js';
import { expectsAnswer, send, type WireRequest, type WireResponse } from './wire.js';

/** Per-request limit: past it a request that had to be answered counts as a hang. */
const ANSWER_TIMEOUT_MS = 15_000;
const USER: Credentials = { accessKey: 'fuzzuser', secretKey: '' };
/** How long a request the client left may still run on the server. */
const UNSETTLED_MS = 5_000;
/** Fields a read may show changed without any write: access counters move with downloads and HEADs. */
const COUNTERS = new Set(['access_count', 'accessed_at']);
/** Log records that always mean a bug, whatever the request. */
const ERROR_LEVEL = 'error';

export interface Finding {
  problems: string[];
  request: string;
  response: string;
}

function describe(request: WireRequest): string {
  const head = request.method + ' ' + request.target + '\n' + request.headers.map(([n, v]) => `${n}: ${v.length > 200 ? `${v.slice(0, 200)}…(${v.length})` : v}`).join('\n');
  const body = request.body.length > 300 ? `${JSON.stringify(request.body.subarray(0, 300).toString('latin1'))}…(${request.body.length} bytes)` : JSON.stringify(request.body.toString('latin1'));
  return `${head}\nframing: ${request.framing}\nbody: ${body}`;
}

function describeResponse(response: WireResponse | undefined): string {
  if (response === undefined) return '(no answer)';
  return `${response.status} ${JSON.stringify(response.headers)} ${response.body.subarray(0, 500).toString('utf8')}`;
}

/**
 * One fuzz run's server and state: the real server binary, the image ids it
 * registered (so that generated paths hit real images), the keys that sign,
 * and the properties checked after every request.
 */
export class FuzzSession {
  /** Requests sent to the server, the session's own setup and read-backs included. */
  requests = 0;
  /** Answers to generated cases by status (`none` when no answer came). */
  readonly statuses = new Map<string, number>();
  private readonly ids: string[] = [];
  private user: Credentials | undefined;
  private seenRecords = 0;
  /**
   * Ids named by requests the client left before their answer: the server may
   * still be running them (a DELETE it received whole runs to its end), so for
   * a while a read of these ids may differ from the last answer for a reason
   * other than a fault. id → time until which it is so.
   */
  private readonly unsettled = new Map<string, number>();

  private constructor(readonly server: VisorProcess) {}

  static async open(options: { auth: boolean }): Promise<FuzzSession> {
    const session = new FuzzSession(await startVisorProcess(options));
    try {
      await session.setUp();
    } catch (error) {
      await session.close();
      throw error;
    }
    return session;
  }

  get auth(): boolean {
    return this.server.admin !== undefined;
  }

  private async setUp(): Promise<void> {
    if (this.auth) await this.createUser();
    for (const [type, file] of [['machine', true], ['kernel', true], ['ramdisk', false], ['machine', false]] as const) {
      const created = await this.call('POST', '/images', { image: { name: `seed ${type}`, architecture: 'x86_64', type, access: 'public' } });
      const id = (parseDocument(created).image as { id: string }).id;
      this.ids.push(id);
      if (file) await this.call('PUT', `/images/${id}`, Buffer.from(`file of ${id}`));
    }
  }

  private async createUser(): Promise<void> {
    const res = await this.call('POST', '/users', { user: { access_key: USER.accessKey, email: 'fuzz@example.org', role: 'user' } });
    if (res.status !== 201) throw new Error(`could not create the fuzz user: ${describeResponse(res)}`);
    this.user = { accessKey: USER.accessKey, secretKey: String((parseDocument(res).user as { secret_key: string }).secret_key) };
  }

  /** A well-formed request signed by the admin (auth on): setup, read-backs, audits. */
  async call(method: string, target: string, body?: object | Buffer, accept = 'application/json'): Promise<WireResponse> {
    const headers: Array<[string, string]> = [['Accept', accept]];
    let bytes: Buffer = Buffer.alloc(0);
    if (Buffer.isBuffer(body)) {
      headers.push(['Content-Type', 'application/octet-stream']);
      bytes = body;
    } else if (body !== undefined) {
      headers.push(['Content-Type', 'application/json']);
      bytes = Buffer.from(JSON.stringify(body));
    }
    const request: WireRequest = { method, target, headers: this.signed(method, target, headers, 'admin'), body: bytes, framing: 'length', chunkSizes: [1], cutFraction: 1 };
    this.requests += 1;
    const { response, problem } = await send(this.server.port, request, ANSWER_TIMEOUT_MS);
    if (response === undefined) throw new Error(`${method} ${target}: ${problem ?? 'no answer'}`);
    return response;
  }

  /** Headers with x-visor-date and Authorization for `signer` (nothing added with access control off, or for 'none'). */
  private signed(method: string, target: string, headers: Array<[string, string]>, signer: FuzzCase['signer']): Array<[string, string]> {
    const keys = signer === 'user' ? this.user : this.server.admin;
    if (!this.auth || signer === 'none' || keys === undefined) return headers;
    const withDate: Array<[string, string]> = [...headers, ['x-visor-date', new Date().toUTCString()]];
    const grouped: Record<string, string[]> = {};
    for (const [name, value] of withDate) (grouped[name.toLowerCase()] ??= []).push(value);
    const q = target.indexOf('?');
    const secret = signer === 'forged' ? `${keys.secretKey}x` : keys.secretKey;
    const authorization = authorizationHeader(keys.accessKey, secret, {
      method,
      path: q === -1 ? target : target.slice(0, q),
      query: q === -1 ? '' : target.slice(q + 1),
      headers: grouped,
    });
    return [...withDate, ['Authorization', authorization]];
  }

  /** The request a generated case stands for, ids and signature filled in. */
  toWire(fuzz: FuzzCase): WireRequest {
    const id = this.ids.length === 0 ? randomUUID() : this.ids[fuzz.idSlot % this.ids.length]!;
    // The admin is named only by reads: demoting, deleting or rotating it would leave the run without a signer that sees everything.
    const admin = fuzz.method === 'GET' || fuzz.method === 'HEAD' ? (this.server.admin?.accessKey ?? 'admin') : 'nobody';
    const user = [admin, USER.accessKey, 'nobody'][fuzz.idSlot % 3]!;
    const path = fuzz.path.replaceAll('{id}', id).replaceAll('{ID}', id.toUpperCase()).replaceAll('{user}', user);
    const target = fuzz.query === '' ? path : `${path}?${fuzz.query}`;
    return {
      method: fuzz.method,
      target,
      headers: this.signed(fuzz.method, target, fuzz.headers, fuzz.signer),
      body: fuzz.body,
      framing: fuzz.framing,
      chunkSizes: fuzz.chunkSizes,
      cutFraction: fuzz.cutFraction,
    };
  }

  /** Sends a generated case and checks every property; undefined when all hold. */
  async run(fuzz: FuzzCase): Promise<Finding | undefined> {
    const request = this.toWire(fuzz);
    this.requests += 1;
    const { response, problem } = await send(this.server.port, request, ANSWER_TIMEOUT_MS);
    const status = response === undefined ? 'none' : String(response.status);
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    if (response === undefined) this.markUnsettled(request.target);
    const problems: string[] = [];
    if (response === undefined && problem !== undefined && expectsAnswer(request.framing)) problems.push(problem);
    if (response !== undefined) {
      problems.push(...checkAnswer(request, response));
      problems.push(...(await this.checkWriteRead(request, response)));
      await this.follow(request, response);
    }
    problems.push(...(await this.checkProcess()));
    return problems.length === 0 ? undefined : { problems, request: describe(request), response: describeResponse(response) };
  }

  /** The process is alive and logged no error (the last-resort guard, an unexpected failure, a failed hook). */
  async checkProcess(): Promise<string[]> {
    const problems: string[] = [];
    if (!this.server.alive()) {
      // Give the log a moment to arrive: the reason is in it.
      await new Promise((resolve) => setTimeout(resolve, 100));
      problems.push(`the server process ended (${this.server.exit()})`);
    }
    const records = this.server.records();
    for (const record of records.slice(this.seenRecords)) {
      if (record.level === ERROR_LEVEL) problems.push(`server logged an error: ${JSON.stringify(record).slice(0, 1500)}`);
    }
    this.seenRecords = records.length;
    return problems;
  }

  /**
   * What a successful write answered is what a later read returns: the image
   * of a 201/200 to POST /images or PUT/DELETE /images/:id, read back with
   * GET /images/:id/meta in the same format (a deleted one is 404).
   */
  private async checkWriteRead(request: WireRequest, response: WireResponse): Promise<string[]> {
    const path = request.target.split('?')[0]!;
    const isImageWrite =
      (request.method === 'POST' && path === '/images' && response.status === 201) ||
      ((request.method === 'PUT' || request.method === 'DELETE') && /^\/images\/[0-9a-fA-F-]{36}$/.test(path) && response.status === 200);
    if (!isImageWrite) return [];
    const target = /^\/images\/([0-9a-fA-F-]{36})$/.exec(path)?.[1]?.toLowerCase();
    if (target !== undefined && (this.unsettled.get(target) ?? 0) > Date.now()) return [];
    let written: Record<string, unknown>;
    try {
      written = parseDocument(response).image as Record<string, unknown>;
    } catch (error) {
      return [`the ${response.status} answer does not parse: ${(error as Error).message}`];
    }
    const id = String(written.id);
    const read = await this.call('GET', `/images/${id}/meta`, undefined, negotiated(request));
    if (request.method === 'DELETE') return read.status === 404 ? [] : [`a deleted image still reads ${read.status}`];
    if (read.status !== 200) return [`the written image reads ${read.status}: ${describeResponse(read)}`];
    const stored = parseDocument(read).image as Record<string, unknown>;
    // Member order counts too: it is the element order of an XML answer.
    const comparable = (image: Record<string, unknown>) => JSON.stringify(Object.entries(image).filter(([key]) => !COUNTERS.has(key)));
    if (comparable(written) === comparable(stored)) return [];
    return [`the write answered ${comparable(written)} but a read returns ${comparable(stored)}`];
  }

  private markUnsettled(target: string): void {
    for (const id of target.toLowerCase().match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? []) {
      this.unsettled.set(id, Date.now() + UNSETTLED_MS);
    }
  }

  /** Keeps the pool and keys in step with what the request changed. */
  private async follow(request: WireRequest, response: WireResponse): Promise<void> {
    const path = request.target.split('?')[0]!;
    if (request.method === 'POST' && path === '/images' && response.status === 201) {
      try {
        this.ids.push(String((parseDocument(response).image as { id: string }).id));
      } catch {
        // checkWriteRead reports it
      }
    }
    if (!this.auth) return;
    const rotated = /^\/users\/([^/]+)\/rotate$/.exec(path);
    if (request.method === 'POST' && rotated && response.status === 200) {
      const secret = String((parseDocument(response).user as { secret_key: string }).secret_key);
      if (rotated[1] === USER.accessKey && this.user) this.user.secretKey = secret;
    }
    if (request.method === 'DELETE' && path === `/users/${USER.accessKey}` && response.status === 204) await this.createUser();
  }

  /** Nothing in the store that no record points to, no record whose file is missing, no upload left running. */
  async audit(): Promise<string[]> {
    const store = await auditStore(this, this.server.storeDir);
    // Detached after-hooks (a share removed after its image's deletion) may still be running: let them land.
    await new Promise((resolve) => setTimeout(resolve, 500));
    return [...store, ...(await auditDatabase(join(this.server.dataDir, 'visor.sqlite'), this.auth))];
  }

  async close(): Promise<void> {
    await this.server.stop();
  }
}

