import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BackendCall } from '../stores/store-backend.js';

/** Seconds; up to half an hour, for multi-GiB transfers. */
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800];
const BACKEND_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800];

/** What the database pool gauge reads: tarn's pool as knex exposes it (`knex.client.pool`). */
export interface PoolLike {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
}

/** Which way an image file moves. */
export type TransferDirection = 'upload' | 'download';

/**
 * Visor's Prometheus metrics (prom-client), in a registry of its own so that
 * several Visors in one process never mix their figures. Names follow the
 * Prometheus naming guide (base units: seconds, bytes; `_total` counters).
 * The process metrics are prom-client's defaults (`process_*`, `nodejs_*`).
 */
export class VisorMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly requestSeconds: Histogram<'method' | 'route' | 'status'>;
  private readonly uploadedBytes: Counter<'store'>;
  private readonly downloadedBytes: Counter<'store'>;
  private readonly inFlight: Gauge<'direction' | 'store'>;
  private readonly uploadFailures: Counter<'store' | 'cause'>;
  private readonly backendSeconds: Histogram<'store' | 'operation'>;
  private readonly backendErrors: Counter<'store' | 'operation' | 'code'>;

  constructor(pool: () => PoolLike | undefined) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'visor_http_requests_total',
      help: 'HTTP requests answered, by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.requestSeconds = new Histogram({
      name: 'visor_http_request_duration_seconds',
      help: 'Time from a request\'s arrival to the end of its response, by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: REQUEST_BUCKETS,
      registers,
    });
    this.uploadedBytes = new Counter({
      name: 'visor_uploaded_bytes_total',
      help: 'Bytes of image files received by uploads, failed ones included, by store',
      labelNames: ['store'],
      registers,
    });
    this.downloadedBytes = new Counter({
      name: 'visor_downloaded_bytes_total',
      help: 'Bytes of image files sent by downloads, by store',
      labelNames: ['store'],
      registers,
    });
    this.inFlight = new Gauge({
      name: 'visor_transfers_in_flight',
      help: 'Uploads and downloads of image files running now, by direction and store',
      labelNames: ['direction', 'store'],
      registers,
    });
    this.uploadFailures = new Counter({
      name: 'visor_upload_failures_total',
      help: 'Uploads that failed, by store and cause (the error code, e.g. BadDigest, ClientClosedRequest, InsufficientStorage)',
      labelNames: ['store', 'cause'],
      registers,
    });
    this.backendSeconds = new Histogram({
      name: 'visor_backend_call_duration_seconds',
      help: 'Duration of calls into store backends (until the call resolved: a get until its stream opened), by store and operation',
      labelNames: ['store', 'operation'],
      buckets: BACKEND_BUCKETS,
      registers,
    });
    this.backendErrors = new Counter({
      name: 'visor_backend_call_errors_total',
      help: 'Calls into store backends that failed, by store, operation and error code',
      labelNames: ['store', 'operation', 'code'],
      registers,
    });
    new Gauge({
      name: 'visor_db_pool_connections',
      help: 'Database connections of the pool, by state: used, free, pending (requests waiting for a connection), creating',
      labelNames: ['state'],
      registers,
      collect() {
        const current = pool();
        if (current === undefined) return;
        this.set({ state: 'used' }, current.numUsed());
        this.set({ state: 'free' }, current.numFree());
        this.set({ state: 'pending' }, current.numPendingAcquires());
        this.set({ state: 'creating' }, current.numPendingCreates());
      },
    });
  }

  /** One answered request; `route` is the route template (`/images/:id`), `unmatched` for unknown paths. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.requests.inc(labels);
    this.requestSeconds.observe(labels, seconds);
  }

  /** One call into a backend, as the StoreBackend wrapper timed it. */
  observeBackendCall(call: BackendCall): void {
    this.backendSeconds.observe({ store: call.store, operation: call.operation }, call.durationMs / 1000);
    if (!call.ok) this.backendErrors.inc({ store: call.store, operation: call.operation, code: call.code ?? 'unknown' });
  }

  /** A transfer starts; call the function returned once it ended (more calls do nothing). */
  transferStarted(direction: TransferDirection, store: string): () => void {
    this.inFlight.inc({ direction, store });
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.inFlight.dec({ direction, store });
    };
  }

  /** Bytes moved by an upload (completed or not) or a download. */
  countBytes(direction: TransferDirection, store: string, bytes: number): void {
    if (bytes <= 0) return;
    (direction === 'upload' ? this.uploadedBytes : this.downloadedBytes).inc({ store }, bytes);
  }

  uploadFailed(store: string, cause: string): void {
    this.uploadFailures.inc({ store, cause });
  }

  /** The exposition: Prometheus text format 0.0.4 and its content type. */
  async exposition(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
