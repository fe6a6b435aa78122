import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePorts } from '../free-port.js';
import { LogSocket } from '../log-socket.js';
import { ServerProcess } from '../server-process.js';
import { waitForPort } from '../wait-for-port.js';
import { ensureSwiftInstalled } from './debian-packages.js';
import { buildRings } from './rings.js';
import { proxyServerConfig, storageServerConfig, type SwiftLayout, type SwiftUser } from './swift-configs.js';

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** A running Swift all-in-one; see the package README. */
export interface SwiftAllInOne {
  /** The proxy's S3 endpoint, `http://127.0.0.1:<port>` (path-style addressing). */
  endpoint: string;
  /** The region s3api signs for (SigV4 scope). */
  region: string;
  /** A tempauth user with `.admin` rights on its account: access key `visor:tester`. */
  credentials: S3Credentials;
  /** The temporary directory holding configuration, rings, storage and the log socket. */
  directory: string;
  /** The processes, by name: proxy, account, container, object, memcached. */
  processes: ReadonlyMap<string, ServerProcess>;
  /** What the servers logged (the last 2000 messages), for failure reports. */
  logs(): string[];
  /** Stops every process, closes the log socket and removes the directory. Safe to call twice. */
  stop(): Promise<void>;
}

export interface SwiftOptions {
  /** Region for s3api (`location`); default `us-east-1`. */
  region?: string;
  /** Milliseconds to wait for the servers; default 60 000 (a loaded 2-core machine starts four Python servers). */
  startTimeoutMs?: number;
}

const STORAGE_KINDS = ['account', 'container', 'object'] as const;

/** GET /healthcheck on the proxy until it answers 200. */
async function waitForHealthcheck(port: number, deadline: number, failed: () => string | undefined): Promise<void> {
  for (;;) {
    const status = await new Promise<number>((resolve) => {
      http
        .get({ host: '127.0.0.1', port, path: '/healthcheck', agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', () => resolve(0));
    });
    if (status === 200) return;
    const reason = failed();
    if (reason !== undefined) throw new Error(reason);
    if (Date.now() > deadline) throw new Error(`the Swift proxy's /healthcheck answered ${status || 'nothing'}`);
    await sleep(100);
  }
}

/** The servers' bind_timeout (swift-configs.ts), in ms. */
const BIND_TIMEOUT_MS = 1000;

/**
 * Starts OpenStack Swift (Debian packages) as a single-node all-in-one under
 * a new temporary directory: proxy with tempauth and s3api, account,
 * container and object servers over a one-device ring, and memcached, every
 * one on 127.0.0.1 and a free port. Installs the Debian packages first when
 * they are missing (needs root). Resolves once the proxy answers; rejects,
 * with what the servers printed, when one of them does not come up.
 */
export async function startSwift(options: SwiftOptions = {}): Promise<SwiftAllInOne> {
  await ensureSwiftInstalled();
  // The ports are free when picked, but another test process may bind one before our server does.
  // waitForPort would then find the other's server listening (memcached most of all: a proxy using
  // another all-in-one's memcached shares its cached container answers, e.g. NoSuchBucket for a
  // bucket just made). A server that could not bind exits: start again on other ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      if (attempt >= 3 || !/Address already in use|Could not bind/i.test((error as Error).message)) throw error;
    }
  }
}

async function startOnce(options: SwiftOptions): Promise<SwiftAllInOne> {
  const region = options.region ?? 'us-east-1';
  const directory = await mkdtemp(join(await realpath(tmpdir()), 'visor-swift-'));
  const [proxy, account, container, object, memcached] = await freePorts(5);
  const layout: SwiftLayout = {
    etcDir: join(directory, 'etc'),
    devicesDir: join(directory, 'srv'),
    logSocket: join(directory, 'log.sock'),
    user: userInfo().username,
    ports: { proxy: proxy!, account: account!, container: container!, object: object!, memcached: memcached! },
  };
  const user: SwiftUser = { account: 'visor', user: 'tester', key: randomBytes(18).toString('base64url') };
  const processes = new Map<string, ServerProcess>();
  let logSocket: LogSocket | undefined;
  let stopped: Promise<void> | undefined;

  const stop = () => {
    stopped ??= (async () => {
      await Promise.all([...processes.values()].map((p) => p.stop()));
      await logSocket?.close();
      await rm(directory, { recursive: true, force: true });
    })();
    return stopped;
  };

  try {
    await mkdir(layout.etcDir);
    await mkdir(join(layout.devicesDir, 'd1'), { recursive: true });
    logSocket = await LogSocket.listen(layout.logSocket);
    await buildRings(layout.etcDir, layout.ports);
    for (const kind of STORAGE_KINDS) await writeFile(join(layout.etcDir, `${kind}-server.conf`), storageServerConfig(layout, kind));
    await writeFile(join(layout.etcDir, 'proxy-server.conf'), proxyServerConfig(layout, [user], region));

    const startedAt = Date.now();
    processes.set('memcached', ServerProcess.start('memcached', '/usr/bin/memcached', ['-l', '127.0.0.1', '-p', String(layout.ports.memcached), '-U', '0', '-m', '16', '-u', layout.user]));
    for (const kind of STORAGE_KINDS) {
      processes.set(kind, ServerProcess.start(`swift-${kind}-server`, `/usr/bin/swift-${kind}-server`, [join(layout.etcDir, `${kind}-server.conf`)]));
    }
    processes.set('proxy', ServerProcess.start('swift-proxy-server', '/usr/bin/swift-proxy-server', [join(layout.etcDir, 'proxy-server.conf')]));

    const timeoutMs = options.startTimeoutMs ?? 60_000;
    const deadline = Date.now() + timeoutMs;
    const failed = () => [...processes.values()].map((p) => p.failure()).find((reason) => reason !== undefined);
    await Promise.all(Object.values(layout.ports).map((port) => waitForPort(port, { timeoutMs, failed })));
    await waitForHealthcheck(layout.ports.proxy, deadline, failed);
    // Each port answered, but perhaps on another process's behalf: ours must all still run, past
    // the second a Swift server spends retrying a taken port (bind_timeout).
    const settle = BIND_TIMEOUT_MS + 500 - (Date.now() - startedAt);
    if (settle > 0) await sleep(settle);
    const exited = failed();
    if (exited !== undefined) throw new Error(exited);
  } catch (error) {
    const logs = logSocket?.messages().slice(-30).join('\n') ?? '';
    await stop();
    throw new Error(`the Swift all-in-one did not start: ${error instanceof Error ? error.message : String(error)}${logs ? `\nlast log lines:\n${logs}` : ''}`, { cause: error });
  }

  return {
    endpoint: `http://127.0.0.1:${layout.ports.proxy}`,
    region,
    credentials: { accessKeyId: `${user.account}:${user.user}`, secretAccessKey: user.key },
    directory,
    processes,
    logs: () => logSocket?.messages() ?? [],
    stop,
  };
}
