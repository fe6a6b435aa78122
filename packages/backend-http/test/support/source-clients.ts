import { AddressPolicy, parseHostRule } from '../../src/fetch/address-policy.js';
import type { LookupFunction } from '../../src/fetch/guarded-lookup.js';
import { SourceClient, type SourceClientOptions } from '../../src/fetch/source-client.js';

export interface TestClientOptions extends Partial<Omit<SourceClientOptions, 'policy'>> {
  allowHosts?: string[];
  allowPrivateNetworks?: boolean;
  lookup?: LookupFunction;
}

/** A SourceClient with the store's defaults (no host allowed beyond public unicast, 5 redirects) unless overridden. */
export function testClient(options: TestClientOptions = {}): SourceClient {
  const { allowHosts = [], allowPrivateNetworks = false, ...rest } = options;
  return new SourceClient({
    policy: new AddressPolicy({ allowHosts: allowHosts.map((h) => parseHostRule(h)!), allowPrivateNetworks }),
    connectTimeoutMs: 5000,
    idleTimeoutMs: 5000,
    maxRedirects: 5,
    headers: {},
    rejectUnauthorized: true,
    ...rest,
  });
}
