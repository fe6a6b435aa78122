import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from '../../src/fetch/guarded-lookup.js';

/**
 * A resolver for tests that asks no real DNS: names map to fixed addresses;
 * any other name fails with ENOTFOUND. `calls` records each name asked.
 */
export function fixedLookup(table: Record<string, string | string[]>): LookupFunction & { calls: string[] } {
  const calls: string[] = [];
  const lookup: LookupFunction = (hostname, options, callback) => {
    calls.push(hostname);
    const entry = table[hostname];
    if (entry === undefined) {
      callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '');
      return;
    }
    const list: LookupAddress[] = (Array.isArray(entry) ? entry : [entry]).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    if (options.all) callback(null, list);
    else callback(null, list[0]!.address, list[0]!.family);
  };
  return Object.assign(lookup, { calls });
}
