import type { AuthenticationOptions } from './authentication.js';
import type { Namespace } from './namespace.js';

/** What the emulated namenodes and the datanode share. */
export interface ClusterContext {
  namespace: Namespace;
  authentication: AuthenticationOptions;
  /** The namenodes' clock, milliseconds since the epoch (may be set apart from the host's). */
  clock(): number;
  /** `host:port` of the datanode as the namenodes name it in redirects: the host may need rewriting by clients. */
  datanodeAddress(): string;
  /** The `namenoderpcaddress` the namenodes pass to the datanode (the RPC address or HA nameservice). */
  namenodeRpcAddress: string;
}
