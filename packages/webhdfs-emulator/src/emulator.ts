import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterContext } from './cluster-context.js';
import { EmulatedDatanode } from './datanode.js';
import { EmulatedNamenode } from './namenode.js';
import { Namespace } from './namespace.js';

export interface WebHdfsEmulatorOptions {
  /** 1 (default) or 2 namenodes: an HA pair whose first starts active, the second standby. */
  namenodes?: 1 | 2;
  /** Fixed ports for the namenodes' HTTP servers; default: free ports. */
  namenodePorts?: readonly number[];
  /** Fixed port for the datanode; default: a free port. */
  datanodePort?: number;
  /**
   * The host name the namenodes put in their redirects to the datanode, e.g.
   * `datanode-1.hdfs.invalid` as a cluster's internal DNS would; clients must
   * rewrite it to reach 127.0.0.1. Default `127.0.0.1`.
   */
  datanodeHostname?: string;
  /** Where block files go; default a fresh temporary directory, removed by `close()`. */
  dataDir?: string;
  /** The HDFS superuser (the user that "started the namenode"); default `hdfs`. */
  superuser?: string;
  /** Group memberships by user name; the superuser is in `supergroup`. */
  groups?: Readonly<Record<string, readonly string[]>>;
  /** Security on: only requests with a known delegation token pass. Default false. */
  secure?: boolean;
  /** Delegation token → user it encodes. */
  delegationTokens?: Readonly<Record<string, string>>;
  /**
   * Answer as an HttpFS gateway (one port that moves the data itself)
   * instead of namenodes redirecting to the datanode. Default false.
   */
  httpfs?: boolean;
  /** Defaults for new files: replication 3, block size 128 MiB (dfs.replication, dfs.blocksize). */
  defaultReplication?: number;
  defaultBlockSize?: number;
}

/**
 * An emulated HDFS reached through WebHDFS: one or two namenode HTTP ports
 * sharing a namespace, and one datanode HTTP port, all on 127.0.0.1. The
 * knobs tests need are public: safe mode, HA state, the namenodes' clock,
 * stopping and restarting nodes, a datanode crash mid-upload.
 */
export class WebHdfsEmulator {
  /** Added to the host's clock to give the namenodes' (modification times, the Date header). */
  clockOffsetMs = 0;

  private constructor(
    readonly namespace: Namespace,
    readonly namenodes: readonly EmulatedNamenode[],
    readonly datanode: EmulatedDatanode,
    readonly dataDir: string,
    private readonly ownsDataDir: boolean,
  ) {}

  static async start(options: WebHdfsEmulatorOptions = {}): Promise<WebHdfsEmulator> {
    const ownsDataDir = options.dataDir === undefined;
    const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'webhdfs-emulator-')));
    await mkdir(dataDir, { recursive: true });
    const superuser = options.superuser ?? 'hdfs';
    const groups = new Map(Object.entries(options.groups ?? {}));
    const holder: { emulator?: WebHdfsEmulator } = {};
    const clock = () => Date.now() + (holder.emulator?.clockOffsetMs ?? 0);
    const namespace = new Namespace({
      dataDir,
      clock,
      principals: { superuser, groupsOf: (user) => (user === superuser ? ['supergroup', ...(groups.get(user) ?? [])] : (groups.get(user) ?? [])) },
      defaultReplication: options.defaultReplication ?? 3,
      defaultBlockSize: options.defaultBlockSize ?? 128 * 1024 * 1024,
    });
    const count = options.namenodes ?? 1;
    const context: ClusterContext = {
      namespace,
      clock,
      authentication: { secure: options.secure ?? false, delegationTokens: new Map(Object.entries(options.delegationTokens ?? {})) },
      datanodeAddress: () => `${options.datanodeHostname ?? '127.0.0.1'}:${datanode.port}`,
      namenodeRpcAddress: count === 2 ? 'emulated-ha-nameservice' : 'emulated-namenode:8020',
    };
    const datanode = new EmulatedDatanode(context, options.datanodePort);
    const namenodes = Array.from({ length: count }, (_, i) => new EmulatedNamenode(context, i === 0 ? 'active' : 'standby', options.namenodePorts?.[i], options.httpfs ?? false));
    const emulator = new WebHdfsEmulator(namespace, namenodes, datanode, dataDir, ownsDataDir);
    holder.emulator = emulator;
    try {
      await datanode.start();
      for (const namenode of namenodes) await namenode.start();
    } catch (error) {
      await emulator.close();
      throw error;
    }
    return emulator;
  }

  /** The namenodes' base URLs, `http://127.0.0.1:<port>`. */
  get namenodeUrls(): string[] {
    return this.namenodes.map((namenode) => namenode.url);
  }

  /**
   * As an administrator would (hdfs dfs -mkdir -p, then -chown and -chmod):
   * creates `path` with parents, owned by `owner`. Default permission 755.
   */
  provisionDirectory(path: string, owner: string, permission = 0o755): void {
    const superuser = this.namespace.superuser;
    this.namespace.mkdirs(path, 0o755, superuser);
    this.namespace.setOwner(path, owner, permission);
  }

  /** Enters or leaves safe mode (hdfs dfsadmin -safemode enter|leave): writes fail with SafeModeException. */
  setSafeMode(on: boolean): void {
    this.namespace.safeMode = on;
  }

  /** Makes namenode `index` the active one and the other standby (hdfs haadmin -failover). */
  makeActive(index: number): void {
    this.namenodes.forEach((namenode, i) => (namenode.state = i === index ? 'active' : 'standby'));
  }

  /** Stops every node and removes the data directory it created. */
  async close(): Promise<void> {
    await Promise.all([...this.namenodes.map((n) => n.stop()), this.datanode.stop()]);
    if (this.ownsDataDir) await rm(this.dataDir, { recursive: true, force: true });
  }
}

/** Starts an emulator; see WebHdfsEmulatorOptions. */
export function startWebHdfsEmulator(options?: WebHdfsEmulatorOptions): Promise<WebHdfsEmulator> {
  return WebHdfsEmulator.start(options);
}
