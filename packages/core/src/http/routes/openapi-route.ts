import { readFile } from 'node:fs/promises';
import type { Route } from './route.js';

/** The OpenAPI 3.1 description of the REST API, shipped with the package (packages/core/openapi/openapi.json). */
export const OPENAPI_FILE = new URL('../../../../openapi/openapi.json', import.meta.url);

let cached: Promise<Buffer> | undefined;

/**
 * `GET /openapi.json`: the OpenAPI description, as JSON whatever `Accept`
 * says. Open to everyone, like `/status`: it describes the API, not data.
 */
export function openApiRoute(): Route {
  return {
    method: 'GET',
    path: '/openapi.json',
    rawBody: true,
    async handle(ex) {
      cached ??= readFile(OPENAPI_FILE);
      const body = await cached.catch((error: unknown) => {
        cached = undefined;
        throw error;
      });
      ex.res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length), 'cache-control': 'public, max-age=300' });
      ex.res.end(ex.isHead ? undefined : body);
    },
  };
}
