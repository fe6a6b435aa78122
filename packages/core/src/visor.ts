import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { Knex } from 'knex';
import type restify from 'restify';
import type { Backend } from './backend/backend.js';
import { accessStatsPlugin } from './builtin/access-stats-plugin.js';
import { resolveConfig, type VisorConfig } from './config/index.js';
import type { Environment } from './config/index.js';
import { EncoderRegistry } from './encoding/encoder-registry.js';
import { PluginError } from './errors/index.js';
import { createHooks, type VisorHooks } from './hooks/hooks.js';
import { createHttpServer, handlersSettled, listen } from './http/http-server.js';
import { imageRoutes } from './http/routes/image-routes.js';
import { statusRoute } from './http/routes/status-route.js';
import { pluginsRoute } from './http/routes/plugins-route.js';
import { ImageService } from './images/image-service.js';
import { Housekeeping } from './instances/housekeeping.js';
import { runAfterHook } from './images/run-hook.js';
import { connectDatabase } from './metadata/connect.js';
import { MetadataStore } from './metadata/metadata-store.js';
import { loadPlugin } from './plugins/index.js';
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
  private readonly startedAt = Date.now();

  private constructor(
    readonly config: VisorConfig,
    readonly hooks: VisorHooks,
    readonly logger: Logger,
    readonly metadata: MetadataStore,
    readonly backends: ReadonlyMap<string, Backend>,
    readonly images: ImageService,
    private readonly encoders: EncoderRegistry,
    private readonly housekeeping: Housekeeping,
  ) {}

  /** This instance's id in the database's registry of running instances. */
  get instanceId(): string {
    return this.housekeeping.instanceId;
  }

  /** The knex instance holding Visor's tables; plugins may add their own tables to it. */
  get db(): Knex {
    return this.metadata.db;
  }

  /** Builds Visor from a resolved configuration (see loadConfig / resolveConfig). */
  static async create(config: VisorConfig, logger: Logger = createLogger(config.logLevel)): Promise<Visor> {
    const hooks = createHooks();
    const backends = new Map<string, Backend>();
    let metadata: MetadataStore | undefined;
    try {
      await mkdir(config.dataDir, { recursive: true });
      const encoders = new EncoderRegistry(hooks);
      for (const encoder of config.encoders) {
        encoders.add(encoder.plugin ?? (await loadPlugin(encoder.name, 'encoder', config.baseDir)).plugin);
      }
      for (const [name, store] of Object.entries(config.stores)) {
        const plugin = store.plugin ?? (await loadPlugin(store.backend, 'backend', config.baseDir)).plugin;
        const backend = await plugin.create(store.options, {
          name,
          dataDir: config.dataDir,
          baseDir: config.baseDir,
          logger: logger.child({ store: name }),
        });
        if (backend.name !== name) {
          await backend.close?.().catch(() => undefined);
          throw new PluginError(store.backend, `backend created for store '${name}' calls itself '${backend.name}'`);
        }
        backends.set(name, backend);
      }
      metadata = new MetadataStore(await connectDatabase(config.database));
      await metadata.migrate();
      const instanceId = randomUUID();
      const images = new ImageService({
        metadata,
        backends,
        defaultStore: config.defaultStore,
        maxImageBytes: config.limits.maxImageBytes,
        hooks,
        logger,
        instanceId,
      });
      const housekeeping = new Housekeeping({
        instanceId,
        registry: metadata.instances,
        images,
        logger,
        heartbeatMs: config.heartbeatSeconds * 1000,
        idleTimeoutMs: config.limits.idleTimeoutSeconds * 1000,
      });
      const visor = new Visor(config, hooks, logger, metadata, backends, images, encoders, housekeeping);
      accessStatsPlugin(hooks, metadata);
      for (const entry of config.plugins) {
        const plugin = entry.plugin ?? (await loadPlugin(entry.name, 'extension', config.baseDir)).plugin;
        try {
          await plugin.apply(visor, entry.options);
        } catch (cause) {
          throw new PluginError(entry.name, `failed to set up: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
        }
      }
      await hooks.beforeStart.promise();
      await housekeeping.start();
      return visor;
    } catch (error) {
      await metadata?.close().catch(() => undefined);
      for (const backend of backends.values()) await backend.close?.().catch(() => undefined);
      throw error;
    }
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
    ];
    const env = {
      hooks: this.hooks,
      logger: this.logger,
      mediaTypes: this.encoders.mediaTypes,
      publicUrl: this.config.publicUrl,
      fallbackBaseUrl: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
      metadataBodyBytes: this.config.limits.metadataBodyBytes,
      idleTimeoutMs: this.config.limits.idleTimeoutSeconds * 1000,
    };
    const server = createHttpServer(env, routes);
    this.server = server;
    this.address = await listen(server, port, host);
    // With port 0 only the bound address tells the real port.
    env.fallbackBaseUrl = this.address.url;
    await runAfterHook(this.hooks.afterListen, 'afterListen', this.logger, { url: this.address.url });
    return this.address;
  }

  /** The URL the REST API listens on, once `listen()` resolved. */
  get url(): string | undefined {
    return this.address?.url;
  }

  /**
   * Stops accepting requests and lets running ones finish (cutting those still
   * running after `graceMs`), then releases plugins, backends and the database.
   */
  async close(graceMs = 10_000): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.address = undefined;
    if (server) {
      const closed = new Promise<void>((resolve) => server.server.close(() => resolve()));
      server.server.closeIdleConnections();
      const cut = setTimeout(() => server.server.closeAllConnections(), graceMs);
      await handlersSettled(server);
      // Keep-alive connections whose responses ended since: close() alone would wait out their idle timeout.
      server.server.closeIdleConnections();
      await closed;
      clearTimeout(cut);
    }
    // afterDownload runs once the last byte is sent, after the response: let it use the database first.
    await this.images.settle();
    try {
      await this.housekeeping.stop();
      await this.hooks.beforeClose.promise();
    } finally {
      for (const backend of this.backends.values()) {
        await backend.close?.().catch((error: unknown) => this.logger.error('a backend failed to close', { store: backend.name, err: error }));
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
