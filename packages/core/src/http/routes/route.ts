import type { RouteMethod } from '@visor/plugin-api';
import type { Exchange } from '../exchange.js';

/** A core route: unlike plugin routes it writes its own response (streams, headers). */
export interface Route {
  method: RouteMethod;
  path: string;
  handle(exchange: Exchange): Promise<void>;
  /**
   * True when success carries no encoded document (file bytes, headers only):
   * an Accept no encoder satisfies is then no reason for 406, and errors use the default format.
   */
  rawBody?: boolean;
}
