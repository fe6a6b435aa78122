import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import restify from 'restify';
import { InternalError, NotAcceptableError, type RequestContext, type RouteHandler, type RouteMethod, type RouteRegistry } from '@visor/plugin-api';
import { answerClientError } from './client-error.js';
import { cutIdleConnections } from './idle-cuts.js';
import { Exchange, type ExchangeEnvironment } from './exchange.js';
import { negotiateMediaType } from './negotiate.js';
import { observeResponse } from './observe-response.js';
import { requestIdOf } from './request-id.js';
import { inRequestScope } from './request-scope.js';
import { assertTransferCodings } from './transfer-coding.js';
import type { Route } from './routes/route.js';

/**
 * Hands the request back to restify once its handler is done. When nothing
 * was answered (the connection was cut instead), restify is not told: it would
 * send an answer of its own on the dead connection.
 */
function finishRoute(res: restify.Response, next: restify.Next, logger: ExchangeEnvironment['logger']): void {
  if (!res.headersSent) return;
  try {
    next();
  } catch (error) {
    logger.error('restify failed after a response', { err: error });
  }
}

function contextOf(req: restify.Request, route: string): RequestContext {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return {
    id: requestIdOf(req),
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
  cutIdleConnections(server.server, env.logger, env.idleTimeoutMs);
  server.server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => answerClientError(error, socket, env.logger));
  // An Expect other than 100-continue: RFC 9110 section 10.1.1 lets a server answer 417 or not; Visor
  // serves the request as if it were absent (Node would answer a bare 417 of its own otherwise).
  server.server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => server.server.emit('request', req, res));

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
      observeResponse(route.method, route.path, res, env.observeRequest);
      // Nothing may escape to restify, which would end the process: every failure is answered here.
      let ex: Exchange | undefined;
      try {
        ex = new Exchange(req, res, contextOf(req, route.path), { ...(req.params as Record<string, string>) }, env);
      } catch (error) {
        env.logger.error('could not set up a request; connection cut', { err: error });
        res.destroy();
        return;
      }
      const exchange = ex;
      const run = async () => {
        try {
          exchange.mediaType = negotiateMediaType(req.headers.accept, env.mediaTypes);
        } catch (error) {
          if (!(route.rawBody && error instanceof NotAcceptableError)) throw error;
        }
        assertTransferCodings(req.headers);
        await env.hooks.beforeRequest.promise(exchange.context);
        await route.handle(exchange);
      };
      // The whole of it in the request's scope, so every log line it leads to names the request.
      const handling = inRequestScope(exchange.context.id, () =>
        run()
          .catch((error: unknown) => exchange.sendError(error))
          .finally(() => {
            // A handler that returned without answering is a bug: answer it as one rather than leave the client waiting.
            if (!res.headersSent && !res.destroyed && res.socket !== null && !res.socket.destroyed) {
              exchange.sendError(new InternalError(`route ${route.method} ${route.path} ended without answering`));
            }
            finishRoute(res, next, env.logger);
          }),
      );
      handlers.add(handling);
      void handling.finally(() => handlers.delete(handling));
    });
  }

  // Unknown routes and methods: answer in the client's format, like every other error.
  server.on('restifyError', (req: restify.Request, res: restify.Response, error: Error, callback: () => void) => {
    try {
      if (!res.headersSent) {
        observeResponse(req.method ?? 'GET', 'unmatched', res, env.observeRequest);
        const ex = new Exchange(req, res, contextOf(req, ''), {}, env);
        try {
          ex.mediaType = negotiateMediaType(req.headers.accept, env.mediaTypes);
        } catch {
          // Not acceptable, or an Accept header the negotiator chokes on: the error goes out in the default format.
        }
        ex.sendError(error);
      }
    } catch (unforeseen) {
      env.logger.error('could not answer a routing error; connection cut', { err: unforeseen });
      res.destroy();
    }
    // restify must not send an answer of its own (it would be its own format, or a second answer).
    (res as unknown as { _sent: boolean })._sent = true;
    try {
      callback();
    } catch (error) {
      env.logger.error('restify failed after a routing error', { err: error });
    }
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
