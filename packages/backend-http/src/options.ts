import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, rejectUnknownKeys, type BackendContext } from '@visor/plugin-api';
import { parseHostRule, type HostRule } from './fetch/address-policy.js';

/** The options a store of backend `http` accepts in the configuration. */
export interface HttpBackendOptions {
  /**
   * Hosts this store may connect to although their addresses are not public:
   * host names (`mirror.lab`), subdomain wildcards (`*.lab.example`), IP
   * addresses or CIDR ranges (`10.0.0.0/8`). Default none.
   */
  allowHosts?: string[];
  /** Allow loopback, RFC 1918, CGNAT and IPv6 unique local addresses (never link-local). Default false. */
  allowPrivateNetworks?: boolean;
  /** Seconds a source may stay silent while Visor waits for its answer or more bytes (idle timeout). Default 30. */
  timeoutSeconds?: number;
  /** Seconds to establish a connection (DNS, TCP, TLS). Default 10 (or timeoutSeconds, if smaller). */
  connectTimeoutSeconds?: number;
  /** Redirects followed per request. Default 5. */
  maxRedirects?: number;
  /** Answer downloads with `302` to the source URL instead of streaming through Visor. Default false. */
  redirectDownloads?: boolean;
  /** Static request headers (e.g. an API token of a private mirror), sent to the registered URL's origin only; never shown to clients. Default none. */
  headers?: Record<string, string>;
  /** A PEM file of CA certificates trusted for https sources instead of Node's bundled list; relative to the config file's directory. */
  ca?: string;
  /** Verify https certificates. Default true. */
  rejectUnauthorized?: boolean;
}

/** Options after validation, in the units the code uses. */
export interface ResolvedHttpOptions {
  allowHosts: HostRule[];
  allowPrivateNetworks: boolean;
  idleTimeoutMs: number;
  connectTimeoutMs: number;
  maxRedirects: number;
  redirectDownloads: boolean;
  headers: Record<string, string>;
  /** PEM text of the `ca` file. */
  ca: string | undefined;
  rejectUnauthorized: boolean;
}

const KNOWN_OPTIONS = [
  'allowHosts',
  'allowPrivateNetworks',
  'timeoutSeconds',
  'connectTimeoutSeconds',
  'maxRedirects',
  'redirectDownloads',
  'headers',
  'ca',
  'rejectUnauthorized',
] as const;

export const DEFAULT_TIMEOUT_SECONDS = 30;
export const DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;
export const DEFAULT_MAX_REDIRECTS = 5;
const MAX_TIMEOUT_SECONDS = 24 * 3600;

/**
 * Headers Visor sets itself or that would change the meaning of a request
 * (framing, ranges, conditionals, connection management): not settable.
 */
const RESERVED_HEADERS = new Set([
  'host', 'range', 'if-range', 'if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since',
  'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer',
  'proxy-connection', 'expect', 'accept-encoding',
]);
/** RFC 9110 §5.6.2 token: a header name. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

type Subject = Pick<BackendContext, 'optionsKey' | 'baseDir'>;

const key = (context: Subject, option?: string) => `${context.optionsKey}${option === undefined ? '' : `.${option}`}`;

function bool(value: unknown, fallback: boolean, context: Subject, option: string): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ConfigError(key(context, option), 'must be true or false');
  return value;
}

function seconds(value: unknown, fallback: number, context: Subject, option: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMEOUT_SECONDS) {
    throw new ConfigError(key(context, option), `must be a number of seconds above 0 and at most ${MAX_TIMEOUT_SECONDS}`);
  }
  return value;
}

function allowHosts(value: unknown, context: Subject): HostRule[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ConfigError(key(context, 'allowHosts'), 'must be a list of host names, IP addresses or CIDR ranges');
  return value.map((entry, i) => {
    const rule = typeof entry === 'string' ? parseHostRule(entry) : undefined;
    if (!rule) {
      throw new ConfigError(`${key(context, 'allowHosts')}[${i}]`, "must be a host name ('mirror.lab'), a wildcard ('*.lab.example'), an IP address or a CIDR range ('10.0.0.0/8')");
    }
    return rule;
  });
}

function maxRedirects(value: unknown, context: Subject): number {
  if (value === undefined) return DEFAULT_MAX_REDIRECTS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 20) {
    throw new ConfigError(key(context, 'maxRedirects'), 'must be a whole number from 0 to 20');
  }
  return value;
}

function headers(value: unknown, context: Subject): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(key(context, 'headers'), 'must be a mapping of header names to string values');
  }
  const out: Record<string, string> = {};
  for (const [name, text] of Object.entries(value)) {
    const where = `${key(context, 'headers')}.${name}`;
    if (!TOKEN.test(name)) throw new ConfigError(where, 'is not a valid header name');
    if (RESERVED_HEADERS.has(name.toLowerCase())) throw new ConfigError(where, 'is set by Visor itself and cannot be configured');
    // The value is never put in a message: it is often a secret.
    if (typeof text !== 'string' || /[\r\n\0]/.test(text)) throw new ConfigError(where, 'must be a string without line breaks');
    out[name.toLowerCase()] = text;
  }
  return out;
}

function caFile(value: unknown, context: Subject): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new ConfigError(key(context, 'ca'), 'must be the path of a PEM file of CA certificates');
  const file = resolve(context.baseDir, value);
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(key(context, 'ca'), `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new ConfigError(key(context, 'ca'), `${file} holds no PEM certificate`);
  return pem;
}

/** Validates a store's raw options; throws ConfigError naming `<optionsKey>.<option>` (`stores.<name>.options.timeoutSeconds`). */
export function resolveHttpOptions(raw: unknown, context: Subject): ResolvedHttpOptions {
  const options = raw ?? {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new ConfigError(key(context), 'must be a mapping of option names to values');
  }
  rejectUnknownKeys(options, key(context), KNOWN_OPTIONS, 'backend http');
  const values = options as Record<string, unknown>;
  const idle = seconds(values.timeoutSeconds, DEFAULT_TIMEOUT_SECONDS, context, 'timeoutSeconds');
  const connect = seconds(values.connectTimeoutSeconds, Math.min(DEFAULT_CONNECT_TIMEOUT_SECONDS, idle), context, 'connectTimeoutSeconds');
  return {
    allowHosts: allowHosts(values.allowHosts, context),
    allowPrivateNetworks: bool(values.allowPrivateNetworks, false, context, 'allowPrivateNetworks'),
    idleTimeoutMs: Math.round(idle * 1000),
    connectTimeoutMs: Math.round(connect * 1000),
    maxRedirects: maxRedirects(values.maxRedirects, context),
    redirectDownloads: bool(values.redirectDownloads, false, context, 'redirectDownloads'),
    headers: headers(values.headers, context),
    ca: caFile(values.ca, context),
    rejectUnauthorized: bool(values.rejectUnauthorized, true, context, 'rejectUnauthorized'),
  };
}
