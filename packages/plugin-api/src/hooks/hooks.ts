import { AsyncSeriesBailHook, AsyncSeriesHook, AsyncSeriesWaterfallHook, SyncBailHook, SyncHook, SyncWaterfallHook } from 'tapable';
import type { Image, ImageDraft, ImagePatch } from '../image/image.js';
import type { RouteRegistry } from '../routes/route-registry.js';
import type {
  AccessDecision,
  DownloadDecision,
  ErrorEvent,
  DecodeRequest,
  DecodedBody,
  EncodeRequest,
  EncodedBody,
  ImageAccessRequest,
  ListRequest,
  OperationContext,
  RequestContext,
  StoreChoice,
  TransferStats,
} from './contexts.js';

/**
 * Every extension point of Visor, named by life cycle. `before*` hooks run
 * before the change and may throw a VisorError to refuse it; `after*` hooks run
 * once it is done, detached from the request, and an error they throw is
 * logged, never sent to the client. Bail hooks decide: the first tap that
 * returns a value wins. Waterfall hooks pass each tap's result to the next.
 * Hooks only one plugin fires live on that plugin (see `pluginHooks`).
 */
export function createHooks() {
  return Object.freeze({
    /** The service is starting: tables may be created, state loaded. */
    beforeStart: new AsyncSeriesHook<[]>(),
    /** The HTTP server is listening (not called for in-process use without listen()). */
    afterListen: new AsyncSeriesHook<[{ url: string }]>(['address']),
    /** The service is closing: release what beforeStart acquired. */
    beforeClose: new AsyncSeriesHook<[]>(),

    /** Plugins add REST routes here (called once, while the server is built). */
    registerRoutes: new SyncHook<[RouteRegistry]>(['routes']),

    /** A REST request arrived (before routing to an operation): authenticate, or throw to refuse. */
    beforeRequest: new AsyncSeriesHook<[RequestContext]>(['request']),
    /** Decides whether an operation may touch an image; undefined from every tap means allow. */
    authorizeImage: new AsyncSeriesBailHook<[ImageAccessRequest], AccessDecision | undefined>(['access']),
    /** A listing is about to run: add SQL constraints (visibility) to it. */
    beforeList: new AsyncSeriesWaterfallHook<[ListRequest]>(['list']),

    /**
     * A registration names no store: the first tap that answers a configured
     * store's name places the image there (by format, size, owner...); without
     * an answer it goes to the default store.
     */
    chooseStore: new AsyncSeriesBailHook<[StoreChoice], string | void>(['choice']),
    /**
     * Registration is validated but not stored yet: return the adjusted draft
     * (a waterfall: each tap gets the previous one's result), or throw to
     * refuse. A tap that returns nothing keeps the draft as it is.
     */
    beforeRegister: new AsyncSeriesWaterfallHook<[ImageDraft, OperationContext], ImageDraft | void>(['draft', 'context']),
    afterRegister: new AsyncSeriesHook<[Image, OperationContext]>(['image', 'context']),

    /** The image is claimed for upload (status `uploading`); bytes start flowing after this. */
    beforeUpload: new AsyncSeriesHook<[Image, OperationContext]>(['image', 'context']),
    /** The file is stored and the image `available`. */
    afterUpload: new AsyncSeriesHook<[Image, TransferStats, OperationContext]>(['image', 'stats', 'context']),
    /** The upload failed; nothing was kept and the image is back to its former status (or gone, for a POST). */
    afterUploadFailed: new AsyncSeriesHook<[Image, Error, TransferStats, OperationContext]>(['image', 'error', 'stats', 'context']),

    /**
     * A download is about to start (access checked): throw to refuse it, or
     * answer `{ redirect: url }` to send the client there with 302 instead of
     * streaming (the first tap that answers wins). Without an answer, a store
     * configured with `redirectDownloads` redirects to its own URL.
     */
    beforeDownload: new AsyncSeriesBailHook<[Image, OperationContext], DownloadDecision | void>(['image', 'context']),
    /** A download ended; `stats.outcome` says whether the client got every byte. */
    afterDownload: new AsyncSeriesHook<[Image, TransferStats, OperationContext]>(['image', 'stats', 'context']),

    /** A client read an image's metadata (HEAD or GET /images/:id/meta). */
    afterReadMetadata: new AsyncSeriesHook<[Image, OperationContext]>(['image', 'context']),

    beforeUpdate: new AsyncSeriesHook<[Image, ImagePatch, OperationContext]>(['image', 'patch', 'context']),
    afterUpdate: new AsyncSeriesHook<[Image, Image, OperationContext]>(['image', 'previous', 'context']),

    beforeDelete: new AsyncSeriesHook<[Image, OperationContext]>(['image', 'context']),
    afterDelete: new AsyncSeriesHook<[Image, OperationContext]>(['image', 'context']),

    /**
     * A request failed and its error is about to be answered: observe it, or
     * return another error to answer with instead (map a backend's error to
     * one of the plugin's codes, say). Synchronous; when a tap throws, that is
     * logged and the error answered as it was.
     */
    mapError: new SyncWaterfallHook<[Error, ErrorEvent], Error | void>(['error', 'event']),

    /** Turns a response document into bytes for the negotiated media type. */
    encodeResponse: new SyncBailHook<[EncodeRequest], EncodedBody | undefined>(['request']),
    /** Parses a request body of the given media type. */
    decodeRequest: new SyncBailHook<[DecodeRequest], DecodedBody | undefined>(['request']),
  });
}

export type VisorHooks = ReturnType<typeof createHooks>;
