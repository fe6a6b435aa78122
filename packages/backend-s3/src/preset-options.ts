import { ConfigError, expectInteger, expectObject, expectString } from '@visor/plugin-api';

/** Where a preset's server listens: host, port and the path S3 is served under. */
export interface HostEndpointOptions {
  /** The option names, as the preset documents them. */
  hostOption?: string;
  portOption?: string;
  /** The option naming the path (Walrus's `servicePath`); none: S3 at the root. */
  pathOption?: string;
  defaultPort: number;
  defaultPath?: string;
}

/** A DNS name or IPv4 address (RFC 1123 labels), or an IPv6 address with or without brackets. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV6 = /^\[?[0-9A-Fa-f:.]+\]?$/;
/** Path segments of URL-safe characters, starting with `/`; or empty. */
const SERVICE_PATH = /^(?:\/[A-Za-z0-9._~-]+)*\/?$/;

/**
 * Builds an S3 endpoint (`http://<host>:<port><path>`) from a preset's
 * `host`, `port` and path options, removing them from `raw`; the rest of
 * `raw` is returned for `resolveS3Options`. Throws ConfigError naming
 * `<optionsKey>.<option>` for a missing host, a host with a scheme, port or
 * path in it, a port outside 1-65535, or a path that is not `/segment/...`.
 */
export function takeHostEndpoint(raw: unknown, optionsKey: string, allowed: readonly string[], spec: HostEndpointOptions): { endpoint: string; rest: Record<string, unknown> } {
  const hostOption = spec.hostOption ?? 'host';
  const portOption = spec.portOption ?? 'port';
  if (raw === undefined || raw === null) throw new ConfigError(`${optionsKey}.${hostOption}`, 'is required: the host name or address of the server');
  const values = { ...expectObject(raw, optionsKey, allowed) };
  const hostValue = values[hostOption];
  if (hostValue === undefined) throw new ConfigError(`${optionsKey}.${hostOption}`, 'is required: the host name or address of the server');
  const host = expectString(hostValue, `${optionsKey}.${hostOption}`);
  if (!HOST.test(host) && !(host.includes(':') && IPV6.test(host))) {
    throw new ConfigError(`${optionsKey}.${hostOption}`, 'must be a host name or IP address alone, without scheme, port or path (e.g. walrus.example.org)');
  }
  const port = values[portOption] === undefined ? spec.defaultPort : expectInteger(values[portOption], `${optionsKey}.${portOption}`, 1, 65535);
  let path = spec.defaultPath ?? '';
  if (spec.pathOption !== undefined && values[spec.pathOption] !== undefined) {
    const given = values[spec.pathOption];
    if (typeof given !== 'string' || !SERVICE_PATH.test(given)) {
      throw new ConfigError(`${optionsKey}.${spec.pathOption}`, "must be a URL path such as /services/Walrus, or '' for none");
    }
    path = given;
  }
  for (const option of [hostOption, portOption, spec.pathOption]) if (option !== undefined) delete values[option];
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return { endpoint: `http://${bracketed}:${port}${path.replace(/\/+$/, '')}`, rest: values };
}
