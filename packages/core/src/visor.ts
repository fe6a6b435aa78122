import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { Knex } from 'knex';
import type restify from 'restify';
import { createHooks, type AnyPlugin, type VisorHooks } from '@visor/plugin-api';
import { accessStatsPlugin } from './builtin/access-stats-plugin.js';
import { resolveConfig, type VisorConfig } from './config/index.js';
import type { Environment } from './config/index.js';
import type { EncoderRegistry } from './encoding/encoder-registry.js';
import { loadEncoders } from './encoding/load-encoders.js';
import { AfterHooks } from './hooks/after-hooks.js';
import { runAfterHook } from './hooks/run-after-hook.js';
import { registerErrorCodes } from './http/error-status.js';
import { createHttpServer, handlersSettled, listen } from './http/http-server.js';
import { withRequestIds } from './http/request-logger.js';
import { metricsRoute } from './http/routes/metrics-route.js';
import { openApiRoute } from './http/routes/openapi-route.js';
import { trackInFlight, type InFlightRequest } from './http/in-flight.js';
import { imageRoutes } from './http/routes/image-routes.js';
import { statusRoute } from './http/routes/status-route.js';
import type { ImageDeps } from './images/image-deps.js';
import { pluginsRoute } from './http/routes/plugins-route.js';
import { ImageService } from './images/image-service.js';
import { Housekeeping } from './instances/housekeeping.js';
import { InstanceRegistry } from './instances/instance-registry.js';
import { LeftoverSweeps } from './instances/leftover-sweeps.js';
import { repairUploads } from './instances/repair.js';
import { connectDatabase } from './metadata/connect.js';
import { MetadataStore } from './metadata/metadata-store.js';
import { startMetricsListener, type MetricsListener } from './metrics/metrics-listener.js';
import { tapTransferHooks } from './metrics/tap-transfer-hooks.js';
import { VisorMetrics, type PoolLike } from './metrics/visor-metrics.js';
import { applyExtensions } from './plugins/apply-extensions.js';
import type { PluginHostSource } from './plugins/plugin-host.js';
import { warnIfUnversioned } from './plugins/unversioned.js';
import { openStores } from './stores/open-stores.js';
import type { StoreBackend } from './stores/store-backend.js';
import { createLogger, type Logger } from './util/logger.js';

export interface CreateVisorOptions {
  /** Where relative paths in the configuration resolve; defaults to the working directory. */
  baseDir?: string;
  cwd?: string;
  /** VISOR_* overrides to apply; embedding reads no environment unless given one (e.g. process.env). */
  env?: Environment;
  logger?: Logger;
}

/**
 * A running Visor: the image operations for in-process use, the hooks plugins
 * tap, and `listen()` to serve the REST API.
 */
export class Visor {
  private server: restify.Server | undefined;
  private address: { url: string; port: number } | undefined;
  private inFlight: () => InFlightRequest[] = () => [];
  private readonly startedAt = Date.now();
  /** Routes extension plugins added through their host, served once listen() builds the server. */
  private readonly pluginRoutes: PluginHostSource['routes'] = [];
  private metricsListener: MetricsListener | undefined;

  private constructor(
    readonly config: VisorConfig,
    readonly hooks: VisorHooks,
    readonly logger: Logger,
    readonly metadata: MetadataStore,
    /** The database's registry of running Visor instances. */
    readonly instances: InstanceRegistry,
    /** Every store's backend, behind the core's wrapper (capability checks, errors naming the store, timing). */
    readonly backends: ReadonlyMap<string, StoreBackend>,
    readonly images: ImageService,
    private readonly afterHooks: AfterHooks,
    private readonly encoders: EncoderRegistry,
    private readonly housekeeping: Housekeeping,
    /** Prometheus metrics (undefined with `metrics.enabled: false`); see docs/metrics.md. */
    readonly metrics: VisorMetrics | undefined = undefined,
  ) {}

  /** This instance's id in the database's registry of running instances. */
  get instanceId(): string {
    return this.housekeeping.instanceId;
  }

  /** The knex instance holding Visor's tables; plugins may add their own tables to it. */
  get db(): Knex {
    return this.metadata.db;
  }

  /**
   * Builds Visor from a resolved configuration (see loadConfig / resolveConfig):
   * encoders, stores, the database, the image operations, then the extension
   * plugins; then beforeStart, and the instance registry's first repair.
   */
  static async create(config: VisorConfig, givenLogger: Logger = createLogger(config.logLevel)): Promise<Visor> {
    // Every line logged while a request is served names it.
    const logger = withRequestIds(givenLogger);
    const hooks = createHooks();
    let db: Knex | undefined;
    const metrics = config.metrics.enabled ? new VisorMetrics(() => (db?.client as { pool?: PoolLike } | undefined)?.pool) : undefined;
    let backends = new Map<string, StoreBackend>();
    let metadata: MetadataStore | undefined;
    try {
      await mkdir(config.dataDir, { recursive: true });
      // Every plugin, as it is loaded: a warning if it declares no API version, and its error codes.
      const loaded = (name: string, plugin: AnyPlugin) => {
        warnIfUnversioned(plugin, name, logger);
        registerErrorCodes(name, plugin.errorCodes);
      };
      const encoders = await loadEncoders(config, hooks, loaded);
      backends = await openStores(config, logger, loaded, metrics && ((call) => metrics.observeBackendCall(call)));
      db = await connectDatabase(config.database);
      const instances = new InstanceRegistry(db);
      metadata = new MetadataStore(db, () => instances.live());
      await metadata.migrate();
      const afterHooks = new AfterHooks(hooks, logger);
      const deps: ImageDeps = {
        metadata,
        backends,
        defaultStore: config.defaultStore,
        maxImageBytes: config.limits.maxImageBytes,
        hooks,
        afterHooks,
        logger,
        instanceId: randomUUID(),
        unfinishedRollbacks: new Map(),
        uploadsInFlight: new Set(),
        ...(metrics ? { transfers: metrics } : {}),
      };
      const images = new ImageService(deps);
      const sweeps = new LeftoverSweeps(logger);
      const housekeeping = new Housekeeping({
        instanceId: deps.instanceId,
        registry: instances,
        repair: (leftoverMinAgeMs) => repairUploads(deps, sweeps, leftoverMinAgeMs),
        logger,
        heartbeatMs: config.heartbeatSeconds * 1000,
        idleTimeoutMs: config.limits.idleTimeoutSeconds * 1000,
      });
      const visor = new Visor(config, hooks, logger, metadata, instances, backends, images, afterHooks, encoders, housekeeping, metrics);
      accessStatsPlugin(hooks, metadata);
      if (metrics) tapTransferHooks(hooks, metrics);
      await applyExtensions(config, visor.pluginHostSource(), loaded);
      await hooks.beforeStart.promise();
      await housekeeping.start();
      return visor;
    } catch (error) {
      await metadata?.close().catch(() => undefined);
      for (const backend of backends.values()) await backend.close().catch(() => undefined);
      throw error;
    }
  }

  /** What each extension plugin's host lends from this Visor. */
  private pluginHostSource(): PluginHostSource {
    return {
      hooks: this.hooks,
      images: this.images,
      logger: this.logger,
      db: this.db,
      config: this.config,
      url: () => this.url,
      routes: this.pluginRoutes,
      afterHooks: this.afterHooks,
    };
  }

  /** Serves the REST API; port and host default to the configuration's. */
  async listen(port: number = this.config.port, host: string = this.config.host): Promise<{ url: string; port: number }> {
    if (this.address) return this.address;
    const routes = [
      statusRoute({
        metadata: this.metadata,
        backends: this.backends,
        defaultStore: this.config.defaultStore,
        databaseClient: this.config.database.client,
        startedAt: this.startedAt,
      }),
      ...imageRoutes(this.images),
      pluginsRoute({ backends: this.backends, defaultStore: this.config.defaultStore, encoders: this.encoders, plugins: this.config.plugins }),
      openApiRoute(),
      ...(this.metrics && this.config.metrics.port === null ? [metricsRoute(this.metrics)] : []),
    ];
    const env = {
      hooks: this.hooks,
      logger: this.logger,
      mediaTypes: this.encoders.mediaTypes,
      publicUrl: this.config.publicUrl,
      fallbackBaseUrl: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
      metadataBodyBytes: this.config.limits.metadataBodyBytes,
      databaseAcquireTimeoutSeconds: this.config.database.acquireTimeoutSeconds,
      idleTimeoutMs: this.config.limits.idleTimeoutSeconds * 1000,
      ...(this.metrics ? { observeRequest: this.metrics.observeRequest.bind(this.metrics) } : {}),
    };
    const server = createHttpServer(env, routes, this.pluginRoutes);
    if (this.metrics && this.config.metrics.port !== null && this.metricsListener === undefined) {
      this.metricsListener = await startMetricsListener(this.metrics, this.config.metrics.host, this.config.metrics.port, this.logger);
    }
    this.server = server;
    this.inFlight = trackInFlight(server.server);
    try {
      this.address = await listen(server, port, host);
    } catch (error) {
      await this.metricsListener?.close();
      this.metricsListener = undefined;
      this.server = undefined;
      throw error;
    }
    // With port 0 only the bound address tells the real port.
    env.fallbackBaseUrl = this.address.url;
    await runAfterHook(this.hooks.afterListen, 'afterListen', this.logger, { url: this.address.url });
    return this.address;
  }

  /** The URL of the separate metrics listener (`metrics.port`), once `listen()` resolved. */
  get metricsUrl(): string | undefined {
    return this.metricsListener?.url;
  }

  /** The URL the REST API listens on, once `listen()` resolved. */
  get url(): string | undefined {
    return this.address?.url;
  }

  /** The requests being served now (method, path without query, seconds running): what a stop waits for. */
  runningRequests(): InFlightRequest[] {
    return this.inFlight();
  }

  /**
   * Stops accepting requests and lets running ones finish, cutting those still
   * running after `graceMs` (default: the `shutdownGraceSeconds` setting, 30 s)
   * as a crash would (an upload cut so rolls back), then releases plugins,
   * backends and the database. Until it resolves the process stays alive.
   */
  async close(graceMs = this.config.shutdownGraceSeconds * 1000): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.address = undefined;
    const metricsListener = this.metricsListener;
    this.metricsListener = undefined;
    await metricsListener?.close();
    if (server) {
      const closed = new Promise<void>((resolve) => server.server.close(() => resolve()));
      server.server.closeIdleConnections();
      const cut = setTimeout(() => {
        const cutting = this.inFlight();
        if (cutting.length > 0) this.logger.warn(`shutdown grace period of ${graceMs / 1000} s over: cutting ${cutting.length} running request(s)`, { running: cutting });
        server.server.closeAllConnections();
      }, graceMs);
      await handlersSettled(server);
      // Keep-alive connections whose responses ended since: close() alone would wait out their idle timeout.
      server.server.closeIdleConnections();
      await closed;
      clearTimeout(cut);
    }
    // afterDownload runs once the last byte is sent, after the response: let it use the database first.
    await this.afterHooks.settle();
    try {
      await this.housekeeping.stop();
      await this.hooks.beforeClose.promise();
    } finally {
      for (const backend of this.backends.values()) {
        await backend.close().catch((error: unknown) => this.logger.error('a backend failed to close', { store: backend.name, err: error }));
      }
      await this.metadata.close();
    }
  }
}

/**
 * Embeds Visor: builds it from a configuration object (no file needed). With
 * no argument it uses the defaults: SQLite and an fs store under ./visor-data.
 */
export async function createVisor(config: unknown = {}, options: CreateVisorOptions = {}): Promise<Visor> {
  const resolved = resolveConfig(config, {
    baseDir: options.baseDir ?? options.cwd ?? process.cwd(),
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  return Visor.create(resolved, options.logger);
}
