import type { RouteMethod } from '../route-registry.js';
import type { Exchange } from '../exchange.js';

/** A core route: unlike plugin routes it writes its own response (streams, headers). */
export interface Route {
  method: RouteMethod;
  path: string;
  handle(exchange: Exchange): Promise<void>;
}
