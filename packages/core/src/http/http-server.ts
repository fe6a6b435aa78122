import type { AddressInfo } from 'node:net';
import restify from 'restify';
import { NotAcceptableError, type RequestContext, type RouteHandler, type RouteMethod, type RouteRegistry } from '@visor/plugin-api';
import { Exchange, type ExchangeEnvironment } from './exchange.js';
import { negotiateMediaType } from './negotiate.js';
import type { Route } from './routes/route.js';

function contextOf(req: restify.Request, route: string): RequestContext {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return {
    id: req.getId(),
    method: req.method ?? 'GET',
    path: q === -1 ? url : url.slice(0, q),
    query: q === -1 ? '' : url.slice(q + 1),
    headers: req.headers,
    remoteAddress: req.socket.remoteAddress ?? '',
    route,
    principal: null,
    state: {},
  };
}

/** Adapts a plugin's document-returning handler to a core route. */
function pluginRoute(method: RouteMethod, path: string, handler: RouteHandler): Route {
  return {
    method,
    path,
    async handle(ex) {
      const output = await handler({ context: ex.context, params: ex.params, query: ex.query, body: () => ex.body() });
      if (output.document) ex.sendDocument(output.status ?? 200, output.document, output.headers);
      else ex.sendEmpty(output.status ?? 204, output.headers);
    },
  };
}

/** Route handlers still running, per server (see handlersSettled). */
const running = new WeakMap<restify.Server, Set<Promise<void>>>();

/**
 * Resolves once every route handler of `server` has returned. A handler may
 * outlive its response (a download's afterDownload starts once the stream is
 * done), so a closed server does not yet mean finished handlers.
 */
export async function handlersSettled(server: restify.Server): Promise<void> {
  const handlers = running.get(server);
  while (handlers !== undefined && handlers.size > 0) await Promise.all(handlers);
}

/** Builds the restify server: every route runs negotiation, beforeRequest, the handler, and error encoding. */
export function createHttpServer(
  env: ExchangeEnvironment,
  routes: Route[],
  pluginRoutes: ReadonlyArray<{ method: RouteMethod; path: string; handler: RouteHandler }> = [],
): restify.Server {
  // noWriteContinue: a client sending `Expect: 100-continue` gets `100 Continue` only once a handler
  // starts reading its body (Exchange.continueBody), so a refused upload never has to be sent at all.
  const server = restify.createServer({ name: 'visor', handleUncaughtExceptions: false, ignoreTrailingSlash: true, noWriteContinue: true });
  const handlers = new Set<Promise<void>>();
  running.set(server, handlers);
  // Large images take longer than Node's default 5-minute request timeout.
  server.server.requestTimeout = 0;
  server.server.headersTimeout = 60_000;
  // A connection that moves no byte either way for this long is cut: a stalled upload then fails
  // (the image returns to its former status) instead of holding it in 'uploading' forever.
  server.server.timeout = env.idleTimeoutMs;

  const registry: RouteRegistry = { add: (method, path, handler) => routes.push(pluginRoute(method, path, handler)) };
  for (const route of pluginRoutes) registry.add(route.method, route.path, route.handler);
  env.hooks.registerRoutes.call(registry);

  // Every GET answers HEAD too (same headers, no body) unless the route set defines its own HEAD.
  const explicitHeads = new Set(routes.filter((r) => r.method === 'HEAD').map((r) => r.path));
  const heads = routes.filter((r) => r.method === 'GET' && !explicitHeads.has(r.path)).map((r) => ({ ...r, method: 'HEAD' as const }));

  for (const route of [...routes, ...heads]) {
    const register = {
      GET: server.get, HEAD: server.head, POST: server.post, PUT: server.put, DELETE: server.del,
    }[route.method].bind(server);
    register(route.path, (req: restify.Request, res: restify.Response, next: restify.Next) => {
      const ex = new Exchange(req, res, contextOf(req, route.path), { ...(req.params as Record<string, string>) }, env);
      const run = async () => {
        try {
          ex.mediaType = negotiateMediaType(req.headers.accept, env.mediaTypes);
        } catch (error) {
          if (!(route.rawBody && error instanceof NotAcceptableError)) throw error;
        }
        await env.hooks.beforeRequest.promise(ex.context);
        await route.handle(ex);
      };
      const handling = run()
        .catch((error: unknown) => ex.sendError(error))
        .finally(() => next());
      handlers.add(handling);
      void handling.finally(() => handlers.delete(handling));
    });
  }

  // Unknown routes and methods: answer in the client's format, like every other error.
  server.on('restifyError', (req: restify.Request, res: restify.Response, error: Error, callback: () => void) => {
    if (!res.headersSent) {
      const ex = new Exchange(req, res, contextOf(req, ''), {}, env);
      try {
        ex.mediaType = negotiateMediaType(req.headers.accept, env.mediaTypes);
      } catch (negotiation) {
        if (!(negotiation instanceof NotAcceptableError)) throw negotiation;
      }
      ex.sendError(error);
      (res as unknown as { _sent: boolean })._sent = true;
    }
    callback();
  });
  return server;
}

export async function listen(server: restify.Server, port: number, host: string): Promise<{ url: string; port: number }> {
  await new Promise<void>((resolve, reject) => {
    // restify re-emits the http server's errors on itself, and an 'error' nobody
    // listens to there is thrown: listen on restify's side so EADDRINUSE rejects.
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { url: `http://${shownHost}:${address.port}`, port: address.port };
}
