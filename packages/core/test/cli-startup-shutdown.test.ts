import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createVisor } from '../src/index.js';
import { get, request } from '@visor/test-support';
import { cleanEnv, runCli, type CliRun } from './helpers/cli-process.js';
import { memoryLogger, X86 } from './helpers/test-visor.js';
import { partFiles, startSlowUpload, type SlowUpload } from './helpers/uploads-in-flight.js';
import { sleep, waitFor } from './helpers/wait-for.js';

const octet = { 'content-type': 'application/octet-stream' };

/** stderr without the JSON log records: what the command printed for a person. */
const plainLines = (run: CliRun) => run.stderr().split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'));

describe('CLI: every start-up failure is one visor: line, exit non-zero', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'visor-cli-startup-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a port in use: one line naming the address, no stack trace, exit 1', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      const run = runCli([], { cwd: dir, env: cleanEnv({ VISOR_PORT: String(port), VISOR_DATA_DIR: join(dir, 'inuse'), VISOR_LOG_LEVEL: 'warn' }) });
      assert.equal((await run.exited).code, 1);
      assert.deepEqual(plainLines(run), [
        `visor: cannot listen on 127.0.0.1:${port}: the address is already in use (another Visor or program holds it); choose another port (port, VISOR_PORT) or stop the other one`,
      ]);
      assert.doesNotMatch(run.stderr(), /\n\s+at /, 'no stack trace');
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('an unknown flag: the flag, then the usage; exit 2', async () => {
    const run = runCli(['--prot', '80'], { cwd: dir, env: cleanEnv() });
    assert.equal((await run.exited).code, 2);
    const lines = plainLines(run);
    assert.match(lines[0]!, /^visor: Unknown option '--prot'/);
    assert.equal(lines[1], 'Usage: visor-server [--config FILE]');
    assert.doesNotMatch(run.stderr(), /\n\s+at |ERR_PARSE_ARGS/);
  });

  it('a JSON config file that does not parse: the reason on one line and the spot once', async () => {
    await writeFile(join(dir, 'broken.json'), '{"port": 0,}');
    const run = runCli(['--config', 'broken.json'], { cwd: dir, env: cleanEnv() });
    assert.equal((await run.exited).code, 1);
    const lines = plainLines(run);
    assert.match(lines[0]!, /^visor: configuration: cannot load config file '.*broken\.json': JSON: .*position 11/);
    assert.equal(run.stderr().split('{"port": 0,}').length - 1, 2, `the line names the text once and the frame shows it once:\n${run.stderr()}`);
    assert.equal((run.stderr().match(/\| {12}\^/g) ?? []).length, 1, 'one code frame');
  });

  it('a YAML config file that does not parse: line and column, the spot once', async () => {
    await writeFile(join(dir, 'broken.yaml'), 'port: 0\n  bad: [\n');
    const run = runCli(['--config', 'broken.yaml'], { cwd: dir, env: cleanEnv() });
    assert.equal((await run.exited).code, 1);
    assert.match(plainLines(run)[0]!, /^visor: configuration: cannot load config file '.*broken\.yaml': YAML: bad indentation of a mapping entry \(line 2, column 6\)$/);
    assert.equal((run.stderr().match(/ 2 \|   bad: \[/g) ?? []).length, 1);
  });

  for (const [plugin, options, key, near] of [
    ['auth', { anonymousread: true }, 'plugins[0].options.anonymousread', 'anonymousRead'],
    ['tracking', { statsDay: 5 }, 'plugins[0].options.statsDay', 'statsDays'],
  ] as const) {
    it(`plugin ${plugin}: an unknown option stops the start, naming it and the nearest known one`, async () => {
      const dataDir = join(dir, `data-${plugin}`);
      await writeFile(join(dir, `${plugin}.json`), JSON.stringify({ port: 0, dataDir, plugins: [{ name: plugin, options }] }));
      const run = runCli(['--config', `${plugin}.json`], { cwd: dir, env: cleanEnv() });
      assert.equal((await run.exited).code, 1);
      assert.deepEqual(plainLines(run).length, 1, run.stderr());
      assert.match(plainLines(run)[0]!, new RegExp(`^visor: configuration '${key.replace(/[[\].]/g, '\\$&')}': unknown option; did you mean '${near}'\\? plugin ${plugin} takes `));
      assert.doesNotMatch(run.stderr(), /listening on/);
    });
  }
});

describe('CLI: stopping with a grace period', () => {
  let dir: string;
  const uploads: SlowUpload[] = [];
  const runs: CliRun[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'visor-cli-stop-'));
  });
  after(async () => {
    for (const upload of uploads) upload.destroy();
    for (const run of runs) run.child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  async function startWithUploadInFlight(name: string, grace: number) {
    const dataDir = join(dir, name);
    await writeFile(join(dir, `${name}.json`), JSON.stringify({ port: 0, dataDir, plugins: [], shutdownGraceSeconds: grace }));
    const run = runCli(['--config', `${name}.json`], { cwd: dir, env: cleanEnv() });
    runs.push(run);
    const { url } = (await run.waitForLog(/listening on/)) as { url: string };
    const image = (await request('POST', `${url}/images`, { body: { image: X86 } })).json().image as { id: string };
    const upload = startSlowUpload('PUT', `${url}/images/${image.id}`, { ...octet, 'content-length': 4_000_000 });
    uploads.push(upload);
    await upload.write(randomBytes(256 * 1024));
    await waitFor('the upload to have a .part file', async () => (await partFiles(dataDir)).length === 1);
    assert.equal((await get(`${url}/images/${image.id}/meta`)).json().image.status, 'uploading');
    return { run, dataDir, url, image, upload };
  }

  /** The image's status as a fresh Visor on the same data directory sees it (after its start-up repair). */
  async function statusAfterRestart(dataDir: string, id: string): Promise<{ status: string; parts: string[] }> {
    const visor = await createVisor({ dataDir, port: 0, plugins: [] }, { logger: memoryLogger([]) });
    try {
      const { url } = await visor.listen();
      return { status: (await get(`${url}/images/${id}/meta`)).json().image.status, parts: await partFiles(dataDir) };
    } finally {
      await visor.close();
    }
  }

  it('the first SIGTERM logs the running upload and how to force; a second one exits at once; the upload rolls back', { timeout: 60_000 }, async () => {
    const { run, dataDir, image } = await startWithUploadInFlight('forced', 600);
    run.child.kill('SIGTERM');
    const first = await run.waitForLog(/received SIGTERM: stopping/);
    assert.match(String(first.msg), /waiting up to 600 s for 1 running request\(s\); send SIGINT \(Ctrl-C\) or SIGTERM again to stop at once/);
    assert.deepEqual((first.running as Array<{ method: string; path: string }>).map((r) => [r.method, r.path]), [['PUT', `/images/${image.id}`]]);
    assert.equal(first.shutdownGraceSeconds, 600);
    await sleep(500);
    assert.equal(run.child.exitCode, null, 'still waiting for the upload');

    const signalled = Date.now();
    run.child.kill('SIGINT');
    const { code } = await run.exited;
    assert.equal(code, 1);
    assert.ok(Date.now() - signalled < 5000, 'the second signal stops at once');
    await run.waitForLog(/received SIGINT again: stopping at once; 1 running request\(s\) cut/);

    const after = await statusAfterRestart(dataDir, image.id);
    assert.equal(after.status, 'locked', 'the interrupted upload rolled back, as after a crash');
    assert.deepEqual(after.parts, []);
  });

  it('when the grace period runs out the upload is cut, rolled back at once, and the server exits 0', { timeout: 60_000 }, async () => {
    const { run, dataDir, image } = await startWithUploadInFlight('graceful', 1);
    run.child.kill('SIGTERM');
    await run.waitForLog(/received SIGTERM: stopping; waiting up to 1 s for 1 running request/);
    const cut = await run.waitForLog(/shutdown grace period of 1 s over: cutting 1 running request/);
    assert.equal(cut.level, 'warn');
    const { code } = await run.exited;
    assert.equal(code, 0, run.stderr());
    const after = await statusAfterRestart(dataDir, image.id);
    assert.equal(after.status, 'locked');
    assert.deepEqual(after.parts, []);
  });

  it('shutdownGraceSeconds is validated, and VISOR_SHUTDOWN_GRACE_SECONDS too', async () => {
    await writeFile(join(dir, 'neg.json'), JSON.stringify({ port: 0, dataDir: join(dir, 'neg'), plugins: [], shutdownGraceSeconds: -1 }));
    const bad = runCli(['--config', 'neg.json'], { cwd: dir, env: cleanEnv() });
    assert.equal((await bad.exited).code, 1);
    assert.match(plainLines(bad)[0]!, /^visor: configuration 'shutdownGraceSeconds': must be a number from 0 to 86400 \(found -1\)$/);
    const env = runCli([], { cwd: dir, env: cleanEnv({ VISOR_SHUTDOWN_GRACE_SECONDS: 'soon', VISOR_PORT: '0', VISOR_DATA_DIR: join(dir, 'neg') }) });
    assert.equal((await env.exited).code, 1);
    assert.match(plainLines(env)[0]!, /^visor: configuration 'VISOR_SHUTDOWN_GRACE_SECONDS': must be a number of seconds from 0 to 86400/);
  });
});

describe('CLI: the visor-server command from a clone', () => {
  it('the bin npm links is an executable file kept in git, and `npx visor-server` runs from the repository root', async () => {
    const { execFile } = await import('node:child_process');
    const { readFile, stat } = await import('node:fs/promises');
    const { fileURLToPath } = await import('node:url');
    const core = fileURLToPath(new URL('../../', import.meta.url));
    const manifest = JSON.parse(await readFile(join(core, 'package.json'), 'utf8')) as { bin: Record<string, string>; files: string[] };
    assert.equal(manifest.bin['visor-server'], './bin/visor-server.js');
    assert.ok(manifest.files.includes('bin'), 'published with the package');
    assert.ok(((await stat(join(core, 'bin', 'visor-server.js'))).mode & 0o111) !== 0, 'executable');
    const repoRoot = join(core, '..', '..');
    const out = await new Promise<string>((resolve, reject) =>
      execFile(join(repoRoot, 'node_modules', '.bin', 'visor-server'), ['--version'], { cwd: repoRoot }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
    );
    assert.match(out.trim(), /^\d+\.\d+\.\d+/);
  });
});
