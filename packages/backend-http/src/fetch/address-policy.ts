import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * Ranges a store opens with `allowPrivateNetworks: true`: loopback, RFC 1918
 * private networks, carrier-grade NAT (RFC 6598) and IPv6 unique local
 * addresses (RFC 4193). Link-local stays closed even then: cloud metadata
 * services live at 169.254.169.254 and fe80::/10 (name such hosts in
 * `allowHosts` to reach them).
 */
const PRIVATE_NETWORK_RANGES: ReadonlySet<string> = new Set(['loopback', 'private', 'carrierGradeNat', 'uniqueLocal']);

/** One `allowHosts` entry: a host name (exact or `*.suffix`), an IP address or a CIDR range. */
export type HostRule =
  | { kind: 'name'; name: string }
  | { kind: 'suffix'; suffix: string }
  | { kind: 'cidr'; range: [Address, number] };

/**
 * Parses one `allowHosts` entry; undefined when it is none of: a host name
 * (`mirror.example.org`), a wildcard for its subdomains (`*.example.org`),
 * an IP address (`10.0.0.5`, `fd00::1`) or a CIDR range (`10.0.0.0/8`).
 */
export function parseHostRule(entry: string): HostRule | undefined {
  const text = entry.trim().toLowerCase();
  if (ipaddr.isValidCIDR(text)) return { kind: 'cidr', range: ipaddr.parseCIDR(text) };
  if (ipaddr.isValid(text)) {
    const address = ipaddr.process(text);
    return { kind: 'cidr', range: [address, address.kind() === 'ipv4' ? 32 : 128] };
  }
  const name = /^(\*\.)?((?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)\.?$/.exec(text);
  if (!name) return undefined;
  return name[1] ? { kind: 'suffix', suffix: `.${name[2]}` } : { kind: 'name', name: name[2]! };
}

export interface AddressPolicyOptions {
  /** Parsed `allowHosts`. */
  allowHosts: readonly HostRule[];
  /** Opens PRIVATE_NETWORK_RANGES. */
  allowPrivateNetworks: boolean;
}

/**
 * Which hosts and resolved addresses a store may connect to (its SSRF
 * guard). By default only global unicast addresses, as classified by
 * ipaddr.js's special-purpose ranges (the IANA registries): loopback,
 * link-local, private, shared (CGNAT), multicast, broadcast, unspecified,
 * reserved, documentation and the IPv6 transition ranges that embed IPv4
 * addresses (6to4, Teredo, NAT64) are refused. IPv4-mapped IPv6 addresses
 * (`::ffff:127.0.0.1`) are judged as the IPv4 address they carry.
 */
export class AddressPolicy {
  constructor(private readonly options: AddressPolicyOptions) {}

  /** Whether `host` (a URL's host name, lower case) is named in `allowHosts`: its addresses are then not judged. */
  allowsName(host: string): boolean {
    const name = host.replace(/\.$/, '').toLowerCase();
    return this.options.allowHosts.some((rule) =>
      rule.kind === 'name' ? rule.name === name : rule.kind === 'suffix' ? name.endsWith(rule.suffix) : false,
    );
  }

  /**
   * Why `ip` (a textual IPv4 or IPv6 address) may not be connected to, e.g.
   * `loopback address 127.0.0.1`, or undefined when it may.
   */
  refusal(ip: string): string | undefined {
    const bare = ip.replace(/^\[|\]$/g, '');
    if (!ipaddr.isValid(bare)) return `'${ip}' is not an IP address`;
    const address = ipaddr.process(bare);
    if (this.inAllowedRange(address)) return undefined;
    const range = address.range();
    if (range === 'unicast') return undefined;
    if (this.options.allowPrivateNetworks && PRIVATE_NETWORK_RANGES.has(range)) return undefined;
    return `${describeRange(range)} ${address.toString()}`;
  }

  /**
   * The store options that would open `ip`, for a refusal message:
   * `allowPrivateNetworks` opens only PRIVATE_NETWORK_RANGES (never
   * link-local, where cloud metadata services live); `allowHosts` opens any.
   */
  howToOpen(ip: string): string {
    const bare = ip.replace(/^\[|\]$/g, '');
    const opensPrivately = ipaddr.isValid(bare) && PRIVATE_NETWORK_RANGES.has(ipaddr.process(bare).range());
    return opensPrivately ? 'open with the store options allowHosts or allowPrivateNetworks' : 'open with the store option allowHosts (allowPrivateNetworks does not open it)';
  }

  private inAllowedRange(address: Address): boolean {
    return this.options.allowHosts.some(
      (rule) => rule.kind === 'cidr' && rule.range[0].kind() === address.kind() && address.match(rule.range),
    );
  }
}

function describeRange(range: string): string {
  switch (range) {
    case 'loopback':
      return 'loopback address';
    case 'private':
      return 'private network address';
    case 'uniqueLocal':
      return 'unique local (private) address';
    case 'linkLocal':
      return 'link-local address';
    case 'carrierGradeNat':
      return 'shared (carrier-grade NAT) address';
    case 'multicast':
      return 'multicast address';
    case 'broadcast':
      return 'broadcast address';
    case 'unspecified':
      return 'unspecified address';
    default:
      return `special-purpose (${range}) address`;
  }
}
