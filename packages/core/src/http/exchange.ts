import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  InternalError,
  UnsupportedMediaTypeError,
  VisorError,
  namesUtf8,
  type OperationContext,
  type RequestContext,
  type ResponseDocument,
  type VisorHooks,
} from '@visor/plugin-api';
import type { Logger } from '../util/logger.js';
import { answerError, type ErrorTarget } from './answer-error.js';
import type { RequestObserver } from './observe-response.js';
import { mappedError } from './map-error.js';
import { charsetOf, mediaTypeOf } from './negotiate.js';
import { readBody } from './read-body.js';

const DISCARD_MS = 5_000;
const DISCARD_BYTES = 64 * 1024 * 1024;

export interface ExchangeEnvironment {
  hooks: VisorHooks;
  logger: Logger;
  mediaTypes: readonly string[];
  publicUrl: string | null;
  fallbackBaseUrl: string;
  metadataBodyBytes: number;
  /** `database.acquireTimeoutSeconds`, named in the answer to a request that waited for the database in vain. */
  databaseAcquireTimeoutSeconds: number;
  /** Connections idle for longer are cut. */
  idleTimeoutMs: number;
  /** Told of every answered request (metrics); none by default. */
  observeRequest?: RequestObserver;
}

/** One request and its response, with the negotiated media type and the helpers to answer. */
export class Exchange implements ErrorTarget {
  /** Set once content negotiation succeeds; errors before that use the default type. */
  mediaType: string;
  private continued = false;
  readonly query: URLSearchParams;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly context: RequestContext,
    readonly params: Record<string, string>,
    private readonly env: ExchangeEnvironment,
  ) {
    this.mediaType = env.mediaTypes[0]!;
    this.query = new URLSearchParams(context.query);
    // Every answer names its request, so a client can quote it and the log be searched for it.
    res.setHeader('x-request-id', context.id);
    // A response stream emits 'error' in a few cases (a write after its end): with nobody
    // listening, that would end the process.
    res.on('error', (error) => env.logger.debug('response stream error', { request: context.id, err: error }));
  }

  get requestId(): string {
    return this.context.id;
  }

  get logger(): Logger {
    return this.env.logger;
  }

  get operation(): OperationContext {
    return { principal: this.context.principal, request: this.context };
  }

  /** Absolute base URL for links: the configured public URL, else the request's Host. */
  get baseUrl(): string {
    if (this.env.publicUrl !== null) return this.env.publicUrl;
    const host = this.req.headers.host;
    return host && /^[A-Za-z0-9.:[\]-]+$/.test(host) ? `http://${host}` : this.env.fallbackBaseUrl;
  }

  get isHead(): boolean {
    return this.req.method === 'HEAD';
  }

  /** Whether the client waits for `100 Continue` before sending its body, and has not had it yet. */
  get awaitingContinue(): boolean {
    return !this.continued && /^100-continue$/i.test(this.req.headers.expect?.trim() ?? '') && !this.res.headersSent;
  }

  /** Tells a client that sent `Expect: 100-continue` to send its body; call before reading it. */
  continueBody(): void {
    if (!this.awaitingContinue) return;
    this.continued = true;
    this.res.writeContinue();
  }

  /** Reads and decodes a metadata body of any media type an encoder reads (JSON when unlabelled). */
  async body(): Promise<unknown> {
    const mediaType = mediaTypeOf(this.req.headers['content-type']) ?? 'application/json';
    const readable = this.env.mediaTypes;
    if (!readable.includes(mediaType)) {
      throw new UnsupportedMediaTypeError(
        `cannot read a body of type '${mediaType}'; send ${readable.join(', ')}${this.req.method === 'GET' ? '' : ', or application/octet-stream to upload a file'}`,
      );
    }
    const charset = charsetOf(this.req.headers['content-type']);
    if (charset !== undefined && !namesUtf8(charset)) {
      const shown = charset.length > 40 ? `${charset.slice(0, 40)}…` : charset;
      throw new UnsupportedMediaTypeError(
        `the request body is declared as charset=${shown} (Content-Type); metadata bodies are read as UTF-8 only: send UTF-8, declaring charset=utf-8 or no charset`,
      );
    }
    this.continueBody();
    const text = await readBody(this.req, this.env.metadataBodyBytes, (latin1) => this.declaredEncodingError(mediaType, latin1));
    const decoded = this.env.hooks.decodeRequest.call({ mediaType, text });
    if (!decoded) throw new UnsupportedMediaTypeError(`no encoder reads '${mediaType}'`);
    return decoded.value;
  }

  /**
   * For a body that is not UTF-8: the decoder's refusal of an encoding the
   * body declares (XML's `encoding="ISO-8859-1"`), found by reading it as
   * Latin-1 only to look; undefined when the decoder names none. What it
   * decodes that way is never used.
   */
  private declaredEncodingError(mediaType: string, latin1: string): VisorError | undefined {
    try {
      this.env.hooks.decodeRequest.call({ mediaType, text: latin1 });
    } catch (error) {
      if (error instanceof VisorError && error.code === 'UnsupportedMediaType') return error;
    }
    return undefined;
  }

  sendDocument(status: number, document: ResponseDocument, headers: Record<string, string> = {}): void {
    const encoded = this.env.hooks.encodeResponse.call({ mediaType: this.mediaType, document });
    if (!encoded) throw new InternalError(`no encoder produces '${this.mediaType}'`);
    const body = typeof encoded.body === 'string' ? Buffer.from(encoded.body) : encoded.body;
    this.res.writeHead(status, {
      ...headers,
      'content-type': encoded.contentType,
      'content-length': String(body.length),
      vary: 'Accept',
    });
    this.res.end(this.isHead ? undefined : body);
  }

  /**
   * An answer sent before the request body was read (a refused or failed
   * upload): keep reading and discarding the body for a while, so a client
   * still sending gets to read the answer instead of a reset; past a few
   * seconds or a few tens of MiB, cut the connection.
   */
  discardRestOfBody(): void {
    const { req, res } = this;
    const socket = req.socket;
    const startBytes = socket.bytesRead;
    const started = Date.now();
    const watchdog = setInterval(() => {
      if (req.complete || socket.destroyed) clearInterval(watchdog);
      else if (Date.now() - started > DISCARD_MS || socket.bytesRead - startBytes > DISCARD_BYTES) {
        clearInterval(watchdog);
        socket.destroy();
      }
    }, 250);
    watchdog.unref();
    res.once('finish', () => {
      req.unpipe();
      req.resume();
    });
    req.once('end', () => clearInterval(watchdog));
  }

  sendEmpty(status: number, headers: Record<string, string | number> = {}): void {
    this.res.writeHead(status, headers);
    this.res.end();
  }

  /** Logs a failure that can no longer be answered (the head is sent), naming the request. */
  logFailure(message: string, error: unknown): void {
    this.env.logger.error(message, { request: this.context.id, err: error });
  }

  /**
   * Answers an error in the negotiated format (HEAD: in x-error-* headers),
   * once the mapError taps have seen it; never throws (see answerError).
   */
  sendError(raised: unknown): void {
    const thrown = mappedError(this.env.hooks, this.env.logger, raised, { request: this.context, headersSent: this.res.headersSent }, this.env);
    answerError(this, thrown);
  }
}
