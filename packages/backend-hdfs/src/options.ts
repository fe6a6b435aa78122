import { ConfigError, rejectUnknownKeys } from '@visor/plugin-api';
import { pathComponents } from './hdfs-paths.js';

/** The options a store of backend `hdfs` accepts in the configuration. */
export interface HdfsBackendOptions {
  /** One namenode's (or HttpFS gateway's) HTTP URL, or the two of an HA pair, e.g. `http://nn1.example:9870`. Required. */
  namenodes: string | string[];
  /** Absolute HDFS path of the store's directory, e.g. `/visor/images`; created if missing. Required. */
  directory: string;
  /** `user.name` for simple authentication (security off). One of `user` and `delegationToken` is required. */
  user?: string;
  /** A Hadoop delegation token (URL-safe encoded) for a secure cluster, instead of `user`. */
  delegationToken?: string;
  /** Replicas of each image file (1 to 32767); default: the cluster's dfs.replication. */
  replication?: number;
  /** Block size of image files in MiB (1 to 65536); default: the cluster's dfs.blocksize. */
  blockSizeMiB?: number;
  /** Permission bits of image files, octal: `'640'`, `'0640'` or 0o640. Default `'640'`. */
  permission?: string | number;
  /** Seconds allowed to connect, to get an answer, and for any pause in a transfer. Default 60. */
  timeoutSeconds?: number;
  /** Datanode addresses to rewrite, `{ "<host[:port]> in redirects": "<host[:port]> to connect to" }`. Default none. */
  datanodeHosts?: Record<string, string>;
  /** Ask namenodes for `200 {"Location"}` instead of 307 redirects (Hadoop 3 `noredirect=true`). Default false. */
  noRedirect?: boolean;
}

export interface ResolvedHdfsOptions {
  namenodes: URL[];
  /** Normalised: absolute, no trailing slash. */
  directory: string;
  user: string | undefined;
  delegationToken: string | undefined;
  replication: number | undefined;
  /** Bytes. */
  blockSize: number | undefined;
  permission: number;
  timeoutMs: number;
  datanodeHosts: Map<string, string>;
  noRedirect: boolean;
}

const KNOWN_OPTIONS = ['namenodes', 'directory', 'user', 'delegationToken', 'replication', 'blockSizeMiB', 'permission', 'timeoutSeconds', 'datanodeHosts', 'noRedirect'] as const;
const OCTAL_MODE = /^(?:0o?)?([0-7]{3})$/;
const USER = /^[A-Za-z0-9_][A-Za-z0-9._@$-]{0,127}$/;
const TOKEN = /^[A-Za-z0-9_-]{1,8192}$/;
const DIRECTORY_NAME = /^[A-Za-z0-9._-]+$/;
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

class Checker {
  constructor(private readonly optionsKey: string) {}

  key(option?: string): string {
    return `${this.optionsKey}${option === undefined ? '' : `.${option}`}`;
  }

  fail(option: string | undefined, message: string): never {
    throw new ConfigError(this.key(option), message);
  }

  integer(option: string, value: unknown, min: number, max: number): number | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(option, `must be a whole number from ${min} to ${max}`);
    }
    return value;
  }
}

function resolveNamenodes(check: Checker, value: unknown): URL[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length < 1 || list.length > 2) {
    check.fail('namenodes', 'must be the URL of a namenode (or HttpFS gateway), or a list of the two URLs of an HA pair, e.g. http://nn1.example:9870');
  }
  return list.map((entry: unknown, i) => {
    const option = typeof value === 'string' ? 'namenodes' : `namenodes[${i}]`;
    if (typeof entry !== 'string' || !URL.canParse(entry)) check.fail(option, 'must be an http or https URL, e.g. http://nn1.example:9870');
    const url = new URL(entry);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') check.fail(option, 'must be an http or https URL');
    if (url.username !== '' || url.password !== '') check.fail(option, 'must not carry credentials: use user or delegationToken');
    if (url.search !== '' || url.hash !== '') check.fail(option, 'must not have a query or fragment');
    return url;
  });
}

function resolveDirectory(check: Checker, value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/')) check.fail('directory', 'must be an absolute HDFS path, e.g. /visor/images');
  let components: string[];
  try {
    components = pathComponents(value);
  } catch (error) {
    check.fail('directory', (error as Error).message);
  }
  if (components.length === 0) check.fail('directory', 'must not be the root directory: give the store a directory of its own');
  if (!components.every((part) => DIRECTORY_NAME.test(part))) check.fail('directory', 'must be made of names of A-Z a-z 0-9 . _ - (they appear unescaped in locations)');
  return `/${components.join('/')}`;
}

function resolvePermission(check: Checker, value: unknown): number {
  if (value === undefined) return 0o640;
  const digits = typeof value === 'string' ? OCTAL_MODE.exec(value)?.[1] : undefined;
  const mode = digits === undefined ? value : Number.parseInt(digits, 8);
  if (typeof mode !== 'number' || !Number.isInteger(mode) || mode < 0 || mode > 0o777) {
    check.fail('permission', "must be permission bits in octal, e.g. '640' or 0o640");
  }
  if ((mode & 0o600) !== 0o600) check.fail('permission', 'must let the owner (Visor) read and write its files (0o600)');
  return mode;
}

function resolveDatanodeHosts(check: Checker, value: unknown): Map<string, string> {
  if (value === undefined) return new Map();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    check.fail('datanodeHosts', 'must map host names in redirects to host names to connect to, e.g. { "dn1.cluster.internal": "10.0.0.5" }');
  }
  const map = new Map<string, string>();
  for (const [from, to] of Object.entries(value)) {
    if (!HOST.test(from)) check.fail(`datanodeHosts.${from}`, 'the key must be a host or host:port');
    if (typeof to !== 'string' || !HOST.test(to)) check.fail(`datanodeHosts.${from}`, 'must be a host or host:port');
    map.set(from.toLowerCase(), to);
  }
  return map;
}

function resolveAuthentication(check: Checker, user: unknown, token: unknown): { user: string | undefined; delegationToken: string | undefined } {
  if (user !== undefined && (typeof user !== 'string' || !USER.test(user))) check.fail('user', 'must be an HDFS user name, e.g. visor');
  if (token !== undefined && (typeof token !== 'string' || !TOKEN.test(token))) {
    check.fail('delegationToken', 'must be a delegation token in its URL-safe encoding (letters, digits, - and _)');
  }
  if (user !== undefined && token !== undefined) check.fail('delegationToken', 'set user (simple authentication) or delegationToken, not both');
  if (user === undefined && token === undefined) check.fail('user', 'set user (simple authentication) or delegationToken (secure cluster)');
  return { user: user as string | undefined, delegationToken: token as string | undefined };
}

/**
 * Validates a store's raw options; throws ConfigError naming
 * `<optionsKey>.<option>` (the core passes `stores.<name>.options`).
 */
export function resolveHdfsOptions(raw: unknown, optionsKey: string): ResolvedHdfsOptions {
  const check: Checker = new Checker(optionsKey);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) check.fail(undefined, 'must be a mapping with at least namenodes, directory and user');
  rejectUnknownKeys(raw, optionsKey, KNOWN_OPTIONS, 'backend hdfs');
  const values = raw as Record<string, unknown>;
  const noRedirect = values.noRedirect ?? false;
  if (typeof noRedirect !== 'boolean') check.fail('noRedirect', 'must be true or false');
  const blockSizeMiB = check.integer('blockSizeMiB', values.blockSizeMiB, 1, 65_536);
  const timeoutSeconds = check.integer('timeoutSeconds', values.timeoutSeconds, 1, 3600) ?? 60;
  return {
    namenodes: resolveNamenodes(check, values.namenodes),
    directory: resolveDirectory(check, values.directory),
    ...resolveAuthentication(check, values.user, values.delegationToken),
    replication: check.integer('replication', values.replication, 1, 32_767),
    blockSize: blockSizeMiB === undefined ? undefined : blockSizeMiB * 1024 * 1024,
    permission: resolvePermission(check, values.permission),
    timeoutMs: timeoutSeconds * 1000,
    datanodeHosts: resolveDatanodeHosts(check, values.datanodeHosts),
    noRedirect,
  };
}
