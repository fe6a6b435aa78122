import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { VisorClient } from '@visor/client';
import { createTestDatabase, type TestDatabase } from '@visor/test-support';
import { newPrefix, swiftTarget, type S3Target } from './support/s3-target.js';
import { packFolders, runtimeClosure } from './support/pack-workspace.js';
import { randomBytes } from './support/sources.js';

const run = promisify(execFile);
const MiB = 1024 * 1024;

/** Starts the project's visor-server and resolves with its URL once it listens; the log is kept for failures. */
async function startVisorServer(project: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string; log: () => string }> {
  const child = spawn(join(project, 'node_modules', '.bin', 'visor-server'), ['--config', 'visor.json'], { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const match = /listening on (http:\/\/[^"\s]+)/.exec(log);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`visor-server exited (${code}) before listening:\n${log}`)));
  });
  return { child, url, log: () => log };
}

describe('install as a user would: npm pack, npm install the tarballs in a new project, visor-server with backend: s3', () => {
  let target: S3Target;
  let database: TestDatabase;
  let work: string;
  let server: { child: ChildProcess; url: string; log: () => string } | undefined;

  before(async () => {
    [target, database] = await Promise.all([swiftTarget(), createTestDatabase('visor_s3_install')]);
    work = await mkdtemp(join(tmpdir(), 'visor-s3-install-'));
  });
  after(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await once(server.child, 'exit');
    }
    await rm(work, { recursive: true, force: true });
    await database?.drop();
    await target?.stop();
  });

  it('packs @visor/core, @visor/backend-s3 and what they need, installs them, starts visor-server, and an image goes up to Swift and comes back', { timeout: 300_000 }, async () => {
    const folders = await runtimeClosure(['@visor/core', '@visor/backend-s3']);
    assert.ok(folders.includes('backend-s3') && folders.includes('core') && folders.includes('plugin-api'), folders.join(', '));
    const tarballs = await packFolders(folders, work);
    assert.equal(tarballs.length, folders.length);

    const project = join(work, 'project');
    await run('mkdir', ['-p', project]);
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'my-image-service', private: true, type: 'module' }, null, 2));
    // --ignore-scripts: sqlite3's native build takes minutes here (no prebuilt binary reachable), so this
    // project keeps its metadata in PostgreSQL and never loads sqlite3. Third-party packages come from the
    // registry (or npm's cache), @visor/* only from the tarballs.
    await run('npm', ['install', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', ...tarballs], { cwd: project, maxBuffer: 64 * 1024 * 1024 });
    const installed = await readdir(join(project, 'node_modules', '@visor'));
    assert.ok(installed.includes('backend-s3') && installed.includes('core'), installed.join(', '));
    const lock = JSON.parse(await readFile(join(project, 'package-lock.json'), 'utf8')) as { packages: Record<string, { resolved?: string; version?: string }> };
    assert.match(lock.packages['node_modules/@visor/backend-s3']!.resolved ?? '', /^file:.*visor-backend-s3-0\.1\.0\.tgz$/);
    assert.equal(lock.packages['node_modules/@aws-sdk/client-s3']!.version, '3.972.0');

    await writeFile(
      join(project, 'visor.json'),
      JSON.stringify(
        {
          dataDir: './data',
          database: { client: 'pg', connection: database.url },
          stores: {
            default: {
              backend: 's3',
              options: {
                bucket: target.bucket,
                endpoint: target.endpoint,
                region: target.region,
                accessKeyId: target.credentials.accessKeyId,
                secretAccessKey: target.credentials.secretAccessKey,
                prefix: newPrefix(),
              },
            },
          },
        },
        null,
        2,
      ),
    );
    const admin = { accessKey: 'install-admin', secretKey: randomBytes(24).toString('base64') };
    const env: NodeJS.ProcessEnv = { ...process.env, VISOR_PORT: '0', VISOR_HOST: '127.0.0.1', VISOR_ADMIN_ACCESS_KEY: admin.accessKey, VISOR_ADMIN_SECRET_KEY: admin.secretKey, NODE_ENV: 'production' };
    delete env.VISOR_CONFIG;
    delete env.VISOR_DATA_DIR;
    delete env.VISOR_DATABASE_URL;
    server = await startVisorServer(project, env);

    const client = new VisorClient({ url: server.url, ...admin });
    const status = await client.status();
    assert.deepEqual(
      (status.backends as Array<{ name: string; type: string; ok: boolean }>).map(({ name, type, ok }) => ({ name, type, ok })),
      [{ name: 'default', type: 's3', ok: true }],
      server.log(),
    );
    const data = randomBytes(6 * MiB + 1);
    const image = await client.registerWithFile({ name: 'Debian 12', architecture: 'x86_64', format: 'qcow2' }, data);
    assert.equal(image.status, 'available');
    assert.match((await client.get(image.id)).location ?? '', new RegExp(`^s3://${target.bucket}/t-[0-9a-f]+/${image.id}$`));
    const download = await client.download(image.id);
    const back: Buffer[] = [];
    for await (const chunk of download.stream) back.push(chunk as Buffer);
    assert.ok(Buffer.concat(back).equals(data), 'the image came back with other bytes');
  });
});
