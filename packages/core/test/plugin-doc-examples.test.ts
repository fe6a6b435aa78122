import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import ts from 'typescript';
import { get, request } from '@visor/test-support';
import { ObjectNotFoundError, Visor, loadConfig, type Backend, type BackendPlugin } from '../src/index.js';
import { memoryLogger } from './helpers/test-visor.js';

// js-yaml (which the YAML encoder example uses) ships no types; this test needs only load().
const yaml = (await import('js-yaml' as string)).default as { load(text: string): unknown };

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const PLUGINS_DOC = join(ROOT, 'docs/plugins.md');

/** A fenced code block of a Markdown page: its language and text. */
interface CodeBlock {
  lang: string;
  code: string;
}

function codeBlocks(markdown: string): CodeBlock[] {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, code: m[2]! }));
}

/**
 * The blocks that name the file they are, on their first line (`// plugins/api-keys.js: …`,
 * `# visor.config.yaml, …`), by that name.
 */
function namedFiles(blocks: CodeBlock[]): Map<string, CodeBlock> {
  const files = new Map<string, CodeBlock>();
  for (const block of blocks) {
    const name = /^(?:\/\/|#) ([\w./-]+\.(?:js|ts|yaml))\b/.exec(block.code)?.[1];
    if (name !== undefined) files.set(name, block);
  }
  return files;
}

/**
 * The examples of docs/plugins.md, as a user would use them: the JavaScript
 * plugins saved under plugins/ next to the page's configuration file, in a
 * project whose node_modules has @visor/plugin-api (and js-yaml), loaded by
 * the real configuration loader and plugin loader, and exercised over HTTP.
 */
describe('the plugin examples of docs/plugins.md, run as written', () => {
  let files: Map<string, CodeBlock>;
  let project: string;
  let visor: Visor;
  let url: string;
  const logs: string[] = [];
  const alice = { 'x-api-key': 's3cr3t-alice' };
  const admin = { 'x-api-key': 's3cr3t-admin' };

  before(async () => {
    files = namedFiles(codeBlocks(await readFile(PLUGINS_DOC, 'utf8')));
    project = await mkdtemp(join(tmpdir(), 'visor-doc-examples-'));
    // The project's dependencies: this repository's (the workspace links @visor/plugin-api; js-yaml is there too).
    await symlink(join(ROOT, 'node_modules'), join(project, 'node_modules'), 'dir');
    for (const [name, block] of files) {
      if (block.lang !== 'js' && block.lang !== 'yaml') continue;
      await mkdir(dirname(join(project, name)), { recursive: true });
      await writeFile(join(project, name), block.code);
    }
    const config = await loadConfig({
      configPath: join(project, 'visor.config.yaml'),
      cwd: project,
      env: { VISOR_PORT: '0', VISOR_HOST: '127.0.0.1', VISOR_DATA_DIR: join(project, 'data') },
    });
    visor = await Visor.create(config, memoryLogger(logs));
    url = (await visor.listen()).url;
  });
  after(async () => {
    await visor?.close();
    if (project !== undefined) await rm(project, { recursive: true, force: true });
  });

  it('the page holds the JavaScript plugins and the configuration naming them', () => {
    for (const name of ['plugins/memory-backend.js', 'plugins/api-keys.js', 'plugins/history.js', 'plugins/yaml-encoder.js', 'visor.config.yaml', 'memory-backend.ts']) {
      assert.ok(files.has(name), `docs/plugins.md has no block starting with the file name ${name}`);
    }
    const config = yaml.load(files.get('visor.config.yaml')!.code) as Record<string, unknown>;
    assert.deepEqual((config.stores as Record<string, unknown>).scratch, { backend: './plugins/memory-backend.js' });
  });

  it('the backend (JavaScript): a store of it takes an upload, serves it whole and by range, and deletes it', async () => {
    const status = (await get(`${url}/status`)).json().status;
    const scratch = status.backends.find((b: { name: string }) => b.name === 'scratch');
    assert.deepEqual([scratch.type, scratch.ok, scratch.message], ['memory', true, '0 objects in memory']);

    const data = randomBytes(200_000);
    const uploaded = await request('POST', `${url}/images`, {
      headers: { ...alice, 'content-type': 'application/octet-stream', 'x-image-meta-name': 'scratch', 'x-image-meta-architecture': 'x86_64', 'x-image-meta-store': 'scratch' },
      body: data,
    });
    assert.equal(uploaded.status, 201, uploaded.text);
    const image = uploaded.json().image;
    assert.equal(image.store, 'scratch');
    assert.equal(image.size, data.length);
    const whole = await get(`${url}/images/${image.id}`, alice);
    assert.ok(whole.body.equals(data));
    const part = await get(`${url}/images/${image.id}`, { ...alice, range: 'bytes=70000-70099' });
    assert.equal(part.status, 206);
    assert.ok(part.body.equals(data.subarray(70_000, 70_100)));
    assert.equal((await request('DELETE', `${url}/images/${image.id}`, { headers: alice })).status, 200);
    assert.equal((await get(`${url}/status`)).json().status.backends.find((b: { name: string }) => b.name === 'scratch').message, '0 objects in memory');
  });

  it('the api-keys extension: its hooks refuse anonymous changes, set the owner, hide private images from others', async () => {
    const anonymous = await request('POST', `${url}/images`, { body: { image: { name: 'anon', architecture: 'x86_64' } } });
    assert.equal(anonymous.status, 401, anonymous.text);
    assert.equal(anonymous.json().message, 'send an x-api-key header to change images');
    assert.equal((await request('POST', `${url}/images`, { headers: { 'x-api-key': 'wrong' }, body: { image: { name: 'x', architecture: 'x86_64' } } })).status, 401);

    const mine = (await request('POST', `${url}/images`, { headers: alice, body: { image: { name: 'alice private', architecture: 'x86_64' } } })).json().image;
    assert.equal(mine.owner, 'alice');
    const shared = (await request('POST', `${url}/images`, { headers: alice, body: { image: { name: 'alice public', architecture: 'x86_64', access: 'public' } } })).json().image;

    assert.equal((await get(`${url}/images/${mine.id}/meta`)).status, 404, 'anonymous sees a private image');
    assert.equal((await get(`${url}/images/${mine.id}/meta`, alice)).status, 200);
    assert.equal((await get(`${url}/images/${mine.id}/meta`, admin)).status, 200);
    const listed = (await get(`${url}/images`)).json().images.map((i: { id: string }) => i.id);
    assert.ok(listed.includes(shared.id) && !listed.includes(mine.id), JSON.stringify(listed));
    const updated = await request('PUT', `${url}/images/${shared.id}`, { headers: { 'x-api-key': 'unknown' }, body: { image: { name: 'x' } } });
    assert.equal(updated.status, 401);
  });

  it('the history extension: its table, its after-hooks and its route', async () => {
    const image = (await request('POST', `${url}/images`, { headers: alice, body: { image: { name: 'tracked', architecture: 'x86_64' } } })).json().image;
    assert.equal((await request('PUT', `${url}/images/${image.id}`, { headers: admin, body: { image: { name: 'renamed' } } })).status, 200);
    // The after-hooks run detached from the requests.
    let history: Array<{ event: string; principal: string }> = [];
    for (let i = 0; i < 100 && history.length < 2; i++) {
      history = (await get(`${url}/images/${image.id}/history`, alice)).json().history;
      if (history.length < 2) await sleep(20);
    }
    assert.deepEqual(history.map((h) => [h.event, h.principal]), [['registered', 'alice'], ['updated', 'root']]);
    assert.equal((await get(`${url}/images/${image.id}/history`)).status, 404, 'anonymous reads the history of a private image');
  });

  it('the YAML encoder: reads a YAML body and answers in YAML', async () => {
    const res = await request('POST', `${url}/images`, {
      headers: { ...alice, 'content-type': 'application/yaml', accept: 'application/yaml' },
      body: Buffer.from('image:\n  name: Alice private\n  architecture: x86_64\n  cores: 4\n'),
    });
    assert.equal(res.status, 201, res.text);
    assert.match(res.headers['content-type'] as string, /^application\/yaml/);
    const { image } = yaml.load(res.text) as { image: Record<string, unknown> };
    assert.deepEqual([image.name, image.architecture, image.cores, image.owner], ['Alice private', 'x86_64', 4, 'alice']);
    const bad = await request('POST', `${url}/images`, { headers: { ...alice, 'content-type': 'application/yaml' }, body: Buffer.from('image: [unclosed\n') });
    assert.equal(bad.status, 400);
    assert.match(bad.json().message, /^request body is not valid YAML: /);
  });

  it('the backend in both languages type-checks against the plugin API (the JavaScript one through its JSDoc)', async () => {
    const dir = join(project, 'typecheck');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'memory-backend.ts'), files.get('memory-backend.ts')!.code);
    await writeFile(join(dir, 'memory-backend.js'), files.get('plugins/memory-backend.js')!.code);
    const program = ts.createProgram([join(dir, 'memory-backend.ts'), join(dir, 'memory-backend.js')], {
      strict: true,
      allowJs: true,
      checkJs: true,
      noEmit: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      types: ['node'],
      typeRoots: [join(ROOT, 'node_modules/@types')],
      skipLibCheck: true,
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file ? `${d.file.fileName.slice(dir.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
      return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    assert.deepEqual(problems, []);
  });

  it('the TypeScript backend, compiled, behaves as the JavaScript one', async () => {
    const compiled = ts.transpileModule(files.get('memory-backend.ts')!.code, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const file = join(project, 'plugins', 'memory-backend-compiled.js');
    await writeFile(file, compiled);
    for (const path of [file, join(project, 'plugins/memory-backend.js')]) {
      const plugin = (await import(pathToFileURL(path).href)).default as BackendPlugin;
      const backend = (await plugin.create({}, { name: 'scratch', dataDir: project, baseDir: project, optionsKey: 'stores.scratch.options', logger: memoryLogger([]) })) as Backend;
      const data = randomBytes(100_000);
      const { location, size } = await backend.put('k1', Readable.from([data.subarray(0, 1000), data.subarray(1000)]));
      assert.deepEqual([location, size], ['memory://scratch/k1', data.length], path);
      const chunks: Buffer[] = [];
      for await (const chunk of (await backend.get(location, { range: { start: 10, end: 70_009 } })).body) chunks.push(chunk as Buffer);
      assert.ok(Buffer.concat(chunks).equals(data.subarray(10, 70_010)), path);
      assert.deepEqual(await backend.stat(location), { size: data.length });
      await backend.delete(location);
      await assert.rejects(backend.stat(location), ObjectNotFoundError, path);
    }
  });
});
