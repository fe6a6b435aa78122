import dns from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import type { AddressPolicy } from './address-policy.js';
import { SourceFetchError } from './fetch-errors.js';

/** The signature of `dns.lookup` that net.connect calls (with `all: true` when it tries several addresses). */
export type LookupFunction = (
  hostname: string,
  options: LookupOptions,
  callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => void;

/**
 * A lookup for net/tls.connect that judges every address the resolver
 * returns before the socket connects: the address judged is the address
 * connected to, so a DNS answer that changes between a check and the
 * connection (DNS rebinding) cannot slip through. If any address of a name
 * is refused, the whole name is (a name that mixes public and private
 * addresses is a rebinding attempt or a misconfiguration). Names listed in
 * `allowHosts` are not judged.
 *
 * `resolve` is the underlying resolver (dns.lookup by default; tests inject
 * their own so no real DNS is asked).
 */
export function guardedLookup(policy: AddressPolicy, resolve: LookupFunction = dns.lookup as unknown as LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '');
      const list = addresses as LookupAddress[];
      if (!policy.allowsName(hostname)) {
        for (const { address } of list) {
          const refusal = policy.refusal(address);
          if (refusal !== undefined) {
            return callback(new SourceFetchError('refused', hostname, `refused to connect to ${hostname}: it resolves to a ${refusal} (${policy.howToOpen(address)})`) as NodeJS.ErrnoException, '');
          }
        }
      }
      if (list.length === 0) return callback(Object.assign(new Error(`'${hostname}' has no address`), { code: 'ENOTFOUND' }), '');
      if (options.all) return callback(null, list);
      return callback(null, list[0]!.address, list[0]!.family);
    });
  };
}
